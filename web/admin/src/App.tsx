import { type FormEvent, useCallback, useEffect, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { type Run, RunContext, useMutation } from '@minishop/web-shared/hooks';
import { navigate, useLocation } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field } from '@minishop/web-shared/ui';

import { type Graph, type Viewer, isAdmin } from './graph';
import { LoginDocument } from './gql/graphql';
import { ApiClientsPage } from './pages/ApiClients';
import { CategoriesPage } from './pages/Categories';
import { OrderPage } from './pages/Order';
import { OrdersPage } from './pages/Orders';
import { ProductPage } from './pages/Product';
import { ProductsPage } from './pages/Products';
import { UserPage } from './pages/User';
import { UsersPage } from './pages/Users';

const REFUSED = 'This account is not an administrator. The admin app is for administrators only.';

export function App({ graph }: { graph: Graph }) {
  const { session } = graph;
  const [viewer, setViewer] = useState<Viewer | null>(session.user);
  // A customer who signs in (or whose tab resumes a customer's sign-in) is refused and signed out here.
  const [refused, setRefused] = useState(session.user !== null && !isAdmin(session.user));
  useEffect(() => session.subscribe(setViewer), [session]);
  useEffect(() => {
    if (viewer && !isAdmin(viewer)) {
      setRefused(true);
      void session.signOut();
    }
  }, [viewer, session]);
  const run = useCallback<Run>((document, variables, signal) => session.request(document, variables, signal), [session]);

  return (
    <RunContext.Provider value={run}>
      {viewer && isAdmin(viewer) ? (
        <Shell viewer={viewer} graph={graph} />
      ) : (
        <main>
          <SignIn graph={graph} refused={refused} onAttempt={() => setRefused(false)} />
        </main>
      )}
    </RunContext.Provider>
  );
}

function SignIn({ graph, refused, onAttempt }: { graph: Graph; refused: boolean; onAttempt: () => void }) {
  const [login, state] = useMutation(LoginDocument);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['email', 'password']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    onAttempt();
    const result = await login({ input: { email, password } });
    if (!result) return;
    setErrors(new FormErrors(result.login.userErrors, ['email', 'password']));
    graph.session.accept(result.login);
  };
  return (
    <form className="card narrow" onSubmit={(event) => void submit(event)} aria-label="Sign in">
      <h1>MiniShop admin</h1>
      {refused ? (
        <div className="notice notice-error" role="alert" data-testid="refused">
          {REFUSED}
        </div>
      ) : null}
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <Field label="E-mail" name="email" errors={errors.for('email')}>
        {(props) => <input {...props} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Password" name="password" errors={errors.for('password')}>
        {(props) => (
          <input {...props} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        )}
      </Field>
      <button type="submit" disabled={state.busy}>
        Sign in
      </button>
    </form>
  );
}

const SECTIONS = [
  { path: 'products', label: 'Products' },
  { path: 'categories', label: 'Categories' },
  { path: 'orders', label: 'Orders' },
  { path: 'users', label: 'Users' },
  { path: 'api-clients', label: 'API clients' },
] as const;

function Shell({ viewer, graph }: { viewer: Viewer; graph: Graph }) {
  const { segments, query } = useLocation();
  const [section = 'products', id] = segments;
  return (
    <>
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href="#/products">
            MiniShop admin
          </a>
          <nav aria-label="Sections">
            {SECTIONS.map((item) => (
              <a key={item.path} href={`#/${item.path}`} className={section === item.path ? 'current' : ''}>
                {item.label}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          <nav aria-label="Account">
            <span>{viewer.email}</span>
            <button type="button" className="link" onClick={() => void graph.session.signOut().then(() => navigate('#/'))}>
              Sign out
            </button>
          </nav>
        </div>
      </header>
      <main>
        <Page section={section} id={id} query={query} />
      </main>
    </>
  );
}

function Page({ section, id, query }: { section: string; id: string | undefined; query: URLSearchParams }) {
  switch (section) {
    case 'products':
      return id ? <ProductPage id={id} /> : <ProductsPage query={query} />;
    case 'categories':
      return <CategoriesPage />;
    case 'orders':
      return id ? <OrderPage id={id} /> : <OrdersPage query={query} />;
    case 'users':
      return id ? <UserPage id={id} /> : <UsersPage query={query} />;
    case 'api-clients':
      return <ApiClientsPage />;
    default:
      return (
        <div className="card">
          <h1>Not found</h1>
          <a href="#/products">Products</a>
        </div>
      );
  }
}
