/**
 * Persisted operations: the manifest that `minishop operations` writes
 * (schema/persisted-query-manifest.json) served by id, and who may send
 * anything else.
 *
 * - `extensions.persistedQuery.sha256Hash` of a manifest entry runs that entry;
 *   an unknown id is PERSISTED_QUERY_NOT_FOUND (400).
 * - A full document whose text is a manifest body (what Apollo Client sends
 *   for a registered operation) counts as that entry, like Apollo Router's
 *   safelist with `require_id: false`.
 * - Any other document is refused (PERSISTED_QUERY_NOT_IN_LIST, 400) for a
 *   partner token, and for every caller with MINISHOP_TRUSTED_DOCUMENTS=all.
 *
 * The partner claim is read from the token without checking its signature:
 * a forged claim only restricts its bearer, and a real partner token with the
 * claim removed no longer verifies, so every subgraph refuses it
 * (UNAUTHENTICATED). The subgraphs then check the claim on the verified token
 * (shared/graphql/policies.py), against the operation the gateway signs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';

export type TrustedDocuments = 'partners' | 'all';

export interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}

const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
const PARTNER_MESSAGE =
  'Partner clients may only run registered operations: send extensions.persistedQuery.sha256Hash ' +
  'of an operation from the manifest.';
const TRUSTED_ONLY_MESSAGE =
  'Only registered operations run here: send extensions.persistedQuery.sha256Hash ' +
  'of an operation from the manifest.';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The manifest by id; refuses a file whose ids are not the SHA-256 of their bodies. */
export function loadManifest(path: string): Map<string, ManifestOperation> {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  if (data?.format !== MANIFEST_FORMAT || data?.version !== 1 || !Array.isArray(data.operations)) {
    throw new Error(`${path} is not an ${MANIFEST_FORMAT} version 1`);
  }
  const operations = new Map<string, ManifestOperation>();
  for (const entry of data.operations as ManifestOperation[]) {
    if (typeof entry?.body !== 'string' || entry.id !== sha256Hex(entry.body)) {
      throw new Error(`${path}: operation ${entry?.name} has an id that is not the SHA-256 of its body`);
    }
    operations.set(entry.id, entry);
  }
  return operations;
}

export function trustedDocumentsSetting(raw: string | undefined, production: boolean): TrustedDocuments {
  const value = raw?.trim().toLowerCase() || (production ? 'all' : 'partners');
  if (value !== 'partners' && value !== 'all') {
    throw new Error(`MINISHOP_TRUSTED_DOCUMENTS must be partners or all, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Whether the bearer token claims to be a partner client's (see the module comment). */
export function claimsPartner(authorization: string | null): boolean {
  if (!authorization) return false;
  const [scheme, token] = authorization.split(' ', 2);
  if (scheme?.toLowerCase() !== 'bearer' || !token) return false;
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.partner === true;
  } catch {
    return false; // not a JWT: the subgraphs answer UNAUTHENTICATED
  }
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** `undefined`: no persistedQuery extension; `null`: one that is malformed. */
function persistedHash(extensions: unknown): string | null | undefined {
  const persisted = (extensions as Record<string, unknown> | undefined)?.persistedQuery;
  if (persisted === undefined || persisted === null) return undefined;
  const { version, sha256Hash } = persisted as Record<string, unknown>;
  return version === 1 && typeof sha256Hash === 'string' ? sha256Hash : null;
}

/**
 * Resolves persisted operations and records, per client request, the manifest
 * id it runs (in `operations`) so the upstream headers can vouch for it.
 */
export function useTrustedDocuments(options: {
  manifest: Map<string, ManifestOperation>;
  mode: TrustedDocuments;
  operations: WeakMap<Request, string>;
}): GatewayPlugin {
  const { manifest, mode, operations } = options;
  return {
    onParams({ request, params, setParams }) {
      const hash = persistedHash(params.extensions);
      if (hash === null) {
        throw refusal('extensions.persistedQuery needs version 1 and a sha256Hash.', 'PERSISTED_QUERY_INVALID');
      }
      if (hash !== undefined) {
        const operation = manifest.get(hash);
        if (!operation) throw refusal('No registered operation has this id.', 'PERSISTED_QUERY_NOT_FOUND');
        if (params.query && params.query !== operation.body) {
          throw refusal('The query is not the registered operation of this id.', 'PERSISTED_QUERY_HASH_MISMATCH');
        }
        operations.set(request, operation.id);
        setParams({ ...params, query: operation.body });
        return;
      }
      if (typeof params.query !== 'string') return; // Yoga reports the missing query
      const id = sha256Hex(params.query);
      if (manifest.has(id)) {
        operations.set(request, id);
        return;
      }
      if (claimsPartner(request.headers.get('authorization'))) {
        throw refusal(PARTNER_MESSAGE, 'PERSISTED_QUERY_NOT_IN_LIST');
      }
      if (mode === 'all') throw refusal(TRUSTED_ONLY_MESSAGE, 'PERSISTED_QUERY_NOT_IN_LIST');
    },
  };
}
