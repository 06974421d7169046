import { type FormEvent, useState } from 'react';

import { useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { CursorPager, ErrorBox, Field, Loading, dateTime } from '@minishop/web-shared/ui';

import { AdminUsersDocument } from '../gql/graphql';

const PAGE_SIZE = 25;

export function UsersPage({ query }: { query: URLSearchParams }) {
  const search = query.get('q') ?? '';
  const after = query.get('after');
  const [text, setText] = useState(search);
  const { data, error, loading } = useQuery(AdminUsersDocument, { first: PAGE_SIZE, after, search: search || null });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(href(['users'], { q: text.trim() || undefined }));
  };
  return (
    <div className="stack">
      <h1>Users</h1>
      <form className="toolbar" role="search" onSubmit={submit}>
        <Field label="E-mail or name contains" name="search">
          {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>E-mail</th>
                <th>Roles</th>
                <th>Joined</th>
              </tr>
            </thead>
            <tbody>
              {data.users.nodes.map((user) => (
                <tr key={user.id} data-testid="user-row">
                  <td>
                    <a href={href(['users', user.id])}>{user.name}</a>
                  </td>
                  <td>{user.email}</td>
                  <td>{user.roles.join(', ')}</td>
                  <td>{dateTime(user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CursorPager
            total={data.users.totalCount}
            noun="users"
            hasNextPage={data.users.pageInfo.hasNextPage}
            endCursor={data.users.pageInfo.endCursor}
            after={after}
            onPage={(cursor) => navigate(href(['users'], { q: search || undefined, after: cursor ?? undefined }))}
          />
        </>
      ) : null}
    </div>
  );
}
