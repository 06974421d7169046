import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation } from '@minishop/web-shared/hooks';
import { navigate } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field } from '@minishop/web-shared/ui';

import { LoginDocument, RegisterDocument } from '../gql/graphql';
import { useShop } from '../shop';

/** Only this app's own routes are followed after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('#/') && !next.startsWith('#/signin') && !next.startsWith('#/signup') ? next : '#/';
}

export function SignInPage({ next }: { next: string | null }) {
  const { graph } = useShop();
  const [login, state] = useMutation(LoginDocument);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['email', 'password']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await login({ input: { email, password } });
    if (!result) return;
    setErrors(new FormErrors(result.login.userErrors, ['email', 'password']));
    if (graph.session.accept(result.login)) navigate(safeNext(next));
  };
  return (
    <form className="card narrow" onSubmit={(event) => void submit(event)} aria-label="Sign in">
      <h1>Sign in</h1>
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <Field label="E-mail" name="email" errors={errors.for('email')}>
        {(props) => (
          <input {...props} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <Field label="Password" name="password" errors={errors.for('password')}>
        {(props) => (
          <input
            {...props}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={state.busy}>
        Sign in
      </button>
      <p>
        New here? <a href={`#/signup${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</a>
      </p>
    </form>
  );
}

export function SignUpPage({ next }: { next: string | null }) {
  const { graph } = useShop();
  const [register, state] = useMutation(RegisterDocument);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['name', 'email', 'password']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await register({ input: { name, email, password } });
    if (!result) return;
    setErrors(new FormErrors(result.register.userErrors, ['name', 'email', 'password']));
    if (graph.session.accept(result.register)) navigate(safeNext(next));
  };
  return (
    <form className="card narrow" onSubmit={(event) => void submit(event)} aria-label="Create account">
      <h1>Create an account</h1>
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <Field label="Name" name="name" errors={errors.for('name')}>
        {(props) => <input {...props} autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="E-mail" name="email" errors={errors.for('email')}>
        {(props) => (
          <input {...props} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <Field label="Password" name="password" errors={errors.for('password')} hint="8 to 128 characters.">
        {(props) => (
          <input
            {...props}
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={state.busy}>
        Create account
      </button>
      <p>
        Already have an account? <a href={`#/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</a>
      </p>
    </form>
  );
}
