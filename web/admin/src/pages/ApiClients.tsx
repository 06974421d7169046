import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { CursorPager, ErrorBox, Errors, Field, Loading, dateTime } from '@minishop/web-shared/ui';

import { AdminApiClientsDocument, CreateApiClientDocument, RevokeApiClientDocument } from '../gql/graphql';

// The scopes createApiClient accepts (see its description in the schema).
const SCOPES = ['catalog:read', 'shipping:read'] as const;

function CreateClient({ onCreated }: { onCreated: () => void }) {
  const [create, state] = useMutation(CreateApiClientDocument);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['catalog:read']);
  const [errors, setErrors] = useState(new FormErrors([], ['name', 'scopes']));
  // The secret is in the create answer only: shown once here, never stored.
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    const result = await create({ input: { name: name.trim(), scopes } });
    if (!result) return;
    const { apiClient, clientSecret, userErrors } = result.createApiClient;
    setErrors(new FormErrors(userErrors, ['name', 'scopes']));
    if (apiClient && clientSecret && userErrors.length === 0) {
      setSecret({ clientId: apiClient.clientId, clientSecret });
      setName('');
      onCreated();
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="New API client">
      <h2>New API client</h2>
      {secret ? (
        <div className="notice notice-ok" role="status" data-testid="client-secret">
          <p>
            Client <code>{secret.clientId}</code> created. Copy its secret now: it is not shown again.
          </p>
          <p className="secret">{secret.clientSecret}</p>
        </div>
      ) : null}
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <Field label="Name" name="name" errors={errors.for('name')}>
        {(props) => <input {...props} required value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="choice">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
            />{' '}
            <code>{scope}</code>
          </label>
        ))}
        <Errors messages={errors.for('scopes')} />
      </fieldset>
      <button type="submit" disabled={state.busy}>
        Create client
      </button>
    </form>
  );
}

export function ApiClientsPage() {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error, loading, reload } = useQuery(AdminApiClientsDocument, { first: 25, after });
  const [revoke, revoking] = useMutation(RevokeApiClientDocument);
  const [revokeErrors, setRevokeErrors] = useState<string[]>([]);
  const doRevoke = async (id: string) => {
    const result = await revoke({ id });
    if (!result) return;
    setRevokeErrors(result.revokeApiClient.userErrors.map((e) => e.message));
    reload();
  };
  return (
    <div className="stack">
      <h1>API clients</h1>
      <ErrorBox error={error ?? revoking.error} />
      <Errors messages={revokeErrors} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Client id</th>
                <th>Scopes</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.apiClients.nodes.map((client) => (
                <tr key={client.id}>
                  <td>{client.name}</td>
                  <td>
                    <code>{client.clientId}</code>
                  </td>
                  <td>{client.scopes.join(', ')}</td>
                  <td>{dateTime(client.createdAt)}</td>
                  <td className="num">
                    {client.revokedAt ? (
                      <span className="muted">Revoked {dateTime(client.revokedAt)}</span>
                    ) : (
                      <button type="button" className="link" disabled={revoking.busy} onClick={() => void doRevoke(client.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <CursorPager
            total={data.apiClients.totalCount}
            noun="clients"
            hasNextPage={data.apiClients.pageInfo.hasNextPage}
            endCursor={data.apiClients.pageInfo.endCursor}
            after={after}
            onPage={setAfter}
          />
        </>
      ) : null}
      <CreateClient onCreated={reload} />
    </div>
  );
}
