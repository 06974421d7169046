import { type FormEvent, useEffect, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { AdminUserDocument, type Role, SetUserRolesDocument } from '../gql/graphql';

const ROLES: readonly Role[] = ['CUSTOMER', 'ADMIN'];

export function UserPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useQuery(AdminUserDocument, { id, ordersFirst: 10 });
  const [setRoles, state] = useMutation(SetUserRolesDocument);
  const user = data?.user;
  const [roles, setDraft] = useState<Role[]>([]);
  const [errors, setErrors] = useState(new FormErrors([], ['roles']));
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(user ? [...user.roles] : []), [user]);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!user) return <p>No user with this id. <a href="#/users">Users</a></p>;
  const toggle = (role: Role, on: boolean) => setDraft(on ? [...roles, role] : roles.filter((r) => r !== role));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await setRoles({ userId: user.id, roles });
    if (!result) return;
    const { userErrors } = result.setUserRoles;
    setErrors(new FormErrors(userErrors, ['roles']));
    if (userErrors.length === 0) {
      setSaved(true);
      reload();
    }
  };
  return (
    <div className="stack">
      <p>
        <a href="#/users">← Users</a>
      </p>
      <h1>{user.name}</h1>
      <dl className="facts card">
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Joined</dt>
        <dd>{dateTime(user.createdAt)}</dd>
      </dl>
      <form className="card" onSubmit={(event) => void submit(event)} aria-label="Roles">
        <h2>Roles</h2>
        <Errors messages={errors.general} />
        <ErrorBox error={state.error} />
        {ROLES.map((role) => (
          <label key={role} className="choice">
            <input type="checkbox" checked={roles.includes(role)} onChange={(e) => toggle(role, e.target.checked)} /> {role}
          </label>
        ))}
        <Errors messages={errors.for('roles')} />
        <button type="submit" disabled={state.busy}>
          Save roles
        </button>
        {saved ? <span className="muted"> Saved; they apply at the user's next token refresh.</span> : null}
      </form>
      <section className="card">
        <h2>Addresses</h2>
        {user.addresses.length === 0 ? <p className="muted">None.</p> : null}
        <ul>
          {user.addresses.map((address) => (
            <li key={address.id}>
              {address.fullName}, {address.line1}, {address.city} {address.postalCode}, {address.country}
              {address.isDefault ? ' (default)' : ''}
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Recent orders ({user.orders.totalCount})</h2>
        <table>
          <tbody>
            {user.orders.nodes.map((order) => (
              <tr key={order.id}>
                <td>
                  <a href={href(['orders', order.id])}>{order.number}</a>
                </td>
                <td>{dateTime(order.createdAt)}</td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
                <td className="num">
                  <Price money={order.total} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
