/**
 * MiniShop gateway: Hive Gateway 2.15 (pinned in package.json) serving the
 * composed supergraph where no container engine runs. Apollo Router serves the
 * same supergraph in containers (router.yaml); both enforce the same policies.
 *
 * Start it from this folder, where the CLI finds this file by its default name:
 *
 *   cd router && node_modules/.bin/hive-gateway supergraph ../schema/supergraph.graphql \
 *     --host 127.0.0.1 --port 4000
 *
 * `supergraph [schemaPathOrUrl]` takes the file positionally (without it, the
 * file comes from MINISHOP_SUPERGRAPH below); `--host`/`--port` override the
 * values below; `-c, --config-path` names another config file. Hive also
 * reads HOST, PORT, FORK, CONFIG_PATH and, beware, APOLLO_KEY/APOLLO_GRAPH_REF
 * (it then wants a GraphOS graph ref instead of a file): keep those two out
 * of the gateway's environment.
 *
 * Environment:
 *   MINISHOP_SUPERGRAPH            supergraph file (default ../schema/supergraph.graphql)
 *   MINISHOP_GATEWAY_PORT          port (default 4000); it always listens on 127.0.0.1
 *   MINISHOP_SUBGRAPH_<NAME>_URL   where subgraph <name> really is, overriding the
 *                                  supergraph's routing URL (e.g. MINISHOP_SUBGRAPH_ACCOUNTS_URL)
 *   MINISHOP_CORS_ORIGINS          comma-separated browser origins allowed, with credentials
 *                                  (default http://localhost:3000,http://127.0.0.1:3000)
 *   MINISHOP_ENV                   development (default) or production: production turns
 *                                  introspection, GraphiQL and field suggestions off, only
 *                                  registered operations run, and requests are rate-limited
 *   MINISHOP_INTROSPECTION         on|off (default on, off in production, where on is refused);
 *                                  off also hides GraphiQL and field suggestions
 *   MINISHOP_PERSISTED_QUERIES_MANIFEST  the manifest `minishop operations` writes
 *                                  (default ../schema/persisted-query-manifest.json)
 *   MINISHOP_TRUSTED_DOCUMENTS     partners: partner tokens run registered operations only;
 *                                  all: every caller does (the production default: the apps
 *                                  only send operations of schema/operations/)
 *   MINISHOP_TRUSTED_PROXIES       comma-separated CIDRs of proxies whose X-Forwarded-For is
 *                                  believed (default none: the TCP peer is the client)
 *   MINISHOP_INTERNAL_SECRET       the deployment's shared secret; signs the client address
 *                                  and operation headers the subgraphs verify (shared/net.py)
 *   MINISHOP_GATEWAY_RATE_LIMIT    requests per client address, "<count>/<seconds>" or off
 *                                  (default 600/60 in production, off in development)
 *   MINISHOP_RATE_LIMITS           off turns every limit off (refused in production)
 *   MINISHOP_REDIS_URL             where the rate-limit counters live, shared by replicas
 *   MINISHOP_OPERATIONS_DIR        GraphiQL's example tabs (default ../schema/operations)
 *   MINISHOP_QUERY_PLANNER         javascript (default): the gateway's own planner; rust: Hive's
 *                                  Rust planner, faster (bench/gateway_planner.py) but not right on
 *                                  this graph yet (see below)
 *   MINISHOP_MAX_COST              the most an operation may cost by the static estimate of
 *                                  demandControl (default 5000); development answers carry
 *                                  extensions.cost = {estimated, max}
 *
 * Endpoints: POST/GET /graphql (GraphiQL on GET with Accept: text/html),
 * /healthcheck, /readiness, /metrics (Prometheus).
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import {
  CLIENT_ADDRESS_HEADER,
  OPERATION_HEADER,
  clientAddress,
  gatewayKey,
  signClientAddress,
  signOperation,
  trustedProxies,
} from './gateway/client-address.ts';
import { INTERNAL_MESSAGE, useNoVariableValuesInErrors, useSubgraphErrorMasking } from './gateway/errors.ts';
import { operationTabs } from './gateway/graphiql.ts';
import { useNamedSubgraphOperations } from './gateway/operation-names.ts';
import { rateLimitSetting, useClientRateLimit, useDirectiveLimit, useRequestSizeLimit } from './gateway/limits.ts';
import { loadManifest, trustedDocumentsSetting, useTrustedDocuments } from './gateway/trusted-documents.ts';
import { openTelemetryConfig } from './gateway/tracing.ts';

const env = process.env;

// Operation limits. The subgraphs cap depth at 15 and tokens at 5000 on their
// own; the gateway is the tighter, first wall.
const MAX_DEPTH = 12;
const MAX_TOKENS = 2000;
const MAX_ALIASES = 30;
const MAX_DIRECTIVES = 20;
const MAX_REQUEST_BYTES = 256 * 1024;
const SUBGRAPH_TIMEOUT_MS = 10_000;
// The static cost estimate's maximum (see shared/graphql/cost.py for what costs
// what): the storefront's and admin's pages at 100 rows fit well under it.
const DEFAULT_MAX_COST = 5000;

const REQUEST_ID_HEADER = 'x-request-id';
// The same shape the subgraphs accept (shared/observability/request_id.py):
// anything else from a client is replaced, so one id names the request in
// every log, and a header cannot inject into them.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Services authenticate direct calls to each other with this header; a client
// must never be able to present it through the public endpoint.
const SERVICE_TOKEN_HEADER = 'x-minishop-service-token';
const FORWARDED_CLIENT_HEADERS = ['authorization'];


const DEFAULT_CORS_ORIGINS = 'http://localhost:3000,http://127.0.0.1:3000';
const SUBGRAPH_URL_ENV = /^MINISHOP_SUBGRAPH_([A-Z0-9_]+)_URL$/;

const DEFAULT_QUERY = `# MiniShop: the first products of the catalogue.
query Products {
  products(first: 5) {
    totalCount
    nodes {
      id
      name
      price {
        amount
        currencyCode
      }
      inStock
    }
  }
}
`;

function flag(name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (['1', 'on', 'true', 'yes'].includes(value)) return true;
  if (['0', 'off', 'false', 'no'].includes(value)) return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
    throw new Error(`MINISHOP_GATEWAY_PORT must be a port number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * Subgraph locations from MINISHOP_SUBGRAPH_<NAME>_URL, keyed by the subgraph
 * name in the supergraph (`join__graph(name: ...)`, lower case). Hive merges
 * these transport entries over the routing URLs composed into the supergraph.
 */
function subgraphLocations(): Record<string, { location: string }> {
  const entries: Record<string, { location: string }> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = SUBGRAPH_URL_ENV.exec(key);
    if (!match || !value) continue;
    new URL(value); // fail at start-up on a typo, not on the first request
    entries[match[1].toLowerCase()] = { location: value };
  }
  return entries;
}

function corsOrigins(): Set<string> {
  const raw = env.MINISHOP_CORS_ORIGINS ?? DEFAULT_CORS_ORIGINS;
  return new Set(
    raw
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean),
  );
}

// The services' development default (shared/settings.py): refused in production.
const DEV_INTERNAL_SECRET = 'minishop-internal-dev-only-secret-0001';
const MIN_INTERNAL_SECRET_LENGTH = 32;
const PRODUCTION_RATE_LIMIT = { count: 600, windowSeconds: 60 };
const GRAPHQL_PATH = '/graphql';

function environment(): 'development' | 'production' {
  const value = env.MINISHOP_ENV?.trim().toLowerCase() || 'development';
  if (value === 'production') return 'production';
  if (value === 'development' || value === 'test') return 'development';
  throw new Error(`MINISHOP_ENV must be development, test or production, got ${JSON.stringify(env.MINISHOP_ENV)}`);
}

function internalSecret(production: boolean): string {
  const secret = env.MINISHOP_INTERNAL_SECRET || DEV_INTERNAL_SECRET;
  if (production && (secret === DEV_INTERNAL_SECRET || secret.length < MIN_INTERNAL_SECRET_LENGTH)) {
    throw new Error(`set MINISHOP_INTERNAL_SECRET (at least ${MIN_INTERNAL_SECRET_LENGTH} characters) in production`);
  }
  return secret;
}

function maxCost(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_COST;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`MINISHOP_MAX_COST must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function queryPlanner(value: string | undefined): 'rust' | 'javascript' {
  const name = value?.trim().toLowerCase() || 'javascript';
  if (name === 'rust' || name === 'javascript') return name;
  throw new Error(`MINISHOP_QUERY_PLANNER must be rust or javascript, got ${JSON.stringify(value)}`);
}

const production = environment() === 'production';
const introspection = flag('MINISHOP_INTROSPECTION', !production);
if (production && introspection) throw new Error('MINISHOP_INTROSPECTION=on is refused in production');
const rateLimitsOff = env.MINISHOP_RATE_LIMITS?.trim().toLowerCase() === 'off';
if (production && rateLimitsOff) throw new Error('MINISHOP_RATE_LIMITS=off is refused in production');
const rateLimit = rateLimitsOff
  ? null
  : rateLimitSetting(env.MINISHOP_GATEWAY_RATE_LIMIT, production ? PRODUCTION_RATE_LIMIT : null);
const allowedOrigins = corsOrigins();
const proxies = trustedProxies(env.MINISHOP_TRUSTED_PROXIES);
const headerKey = gatewayKey(internalSecret(production));
const manifest = loadManifest(env.MINISHOP_PERSISTED_QUERIES_MANIFEST || '../schema/persisted-query-manifest.json');
const trustedDocuments = trustedDocumentsSetting(env.MINISHOP_TRUSTED_DOCUMENTS, production);

/** What the gateway decided about one client request, for its subgraph calls. */
interface RequestState {
  requestId: string;
  address: string;
  // The signed header value, made once per request and second.
  addressHeader?: { issued: number; value: string };
}
const requests = new WeakMap<Request, RequestState>();
// The manifest id each request runs, set by useTrustedDocuments.
const operations = new WeakMap<Request, string>();

/** Subgraph request headers, edited as a `Headers` whatever shape Hive gave them. */
function editHeaders(
  init: HeadersInit | undefined,
  edit: (headers: Headers) => void,
): Record<string, string> {
  const headers = new Headers(init);
  edit(headers);
  return Object.fromEntries(headers.entries());
}

function peerAddress(serverContext: unknown): string | undefined {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress;
}

/**
 * Per client request: a valid client request id or a new one (sent to
 * subgraphs and back), and the client's address (see gateway/client-address.ts).
 */
function useRequestState(): GatewayPlugin {
  return {
    onRequest({ request, serverContext }) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      const valid = incoming !== null && VALID_REQUEST_ID.test(incoming);
      requests.set(request, {
        requestId: valid ? incoming : crypto.randomUUID().replaceAll('-', ''),
        address: clientAddress(peerAddress(serverContext), request.headers.get('x-forwarded-for'), proxies),
      });
    },
    onResponse({ request, response }) {
      const state = requests.get(request);
      if (state) response.headers.set(REQUEST_ID_HEADER, state.requestId);
    },
  };
}

function signedAddress(state: RequestState): string {
  const now = Math.floor(Date.now() / 1000);
  if (state.addressHeader?.issued !== now) {
    state.addressHeader = { issued: now, value: signClientAddress(headerKey, state.address, now) };
  }
  return state.addressHeader.value;
}

/** The document of a subgraph call, to sign the operation header for exactly it. */
function upstreamDocument(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const query = JSON.parse(body)?.query;
    return typeof query === 'string' ? query : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every subgraph call: the request id, the signed client address and, for a
 * registered operation, the signed manifest id; never the service credential
 * nor a client's own copy of these headers, whatever else adds headers.
 */
function useUpstreamHeaders(): GatewayPlugin {
  return {
    onFetch({ context, options, setOptions }) {
      const request = context && 'request' in context ? (context.request as Request) : undefined;
      const state = request && requests.get(request);
      const operationId = request && operations.get(request);
      const headers = editHeaders(options.headers, (h) => {
        h.delete(SERVICE_TOKEN_HEADER);
        h.delete(CLIENT_ADDRESS_HEADER);
        h.delete(OPERATION_HEADER);
        if (!state) return;
        h.set(REQUEST_ID_HEADER, state.requestId);
        h.set(CLIENT_ADDRESS_HEADER, signedAddress(state));
        const document = operationId && upstreamDocument(options.body);
        if (operationId && document) {
          h.set(OPERATION_HEADER, signOperation(headerKey, operationId, document, Math.floor(Date.now() / 1000)));
        }
      });
      setOptions({ ...options, headers });
    },
  };
}

/** CORS answers differ per Origin (see `cors` below): caches must key on it. */
function useVaryOnOrigin(): GatewayPlugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (!vary?.toLowerCase().split(/\s*,\s*/).includes('origin')) {
        response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
      }
    },
  };
}

export const gatewayConfig = defineConfig({
  supergraph: env.MINISHOP_SUPERGRAPH || '../schema/supergraph.graphql',
  // Hive's Rust query planner (a prebuilt Node-API module) only when asked for.
  // It takes about half the gateway's CPU per request here, but answers
  // `me { cart { items { product { name } } } }` with `product: null` in most
  // runs (86 of 100 measured; the JavaScript planner: none). Its plan fetches
  // the cart's items a second time, for the catalog's @requires, in parallel
  // with the products, and the products are lost from the merged answer.
  ...(queryPlanner(env.MINISHOP_QUERY_PLANNER) === 'rust' ? { unifiedGraphHandler } : {}),
  graphqlEndpoint: GRAPHQL_PATH,
  host: '127.0.0.1',
  port: port(env.MINISHOP_GATEWAY_PORT, 4000),
  transportEntries: {
    ...subgraphLocations(),
    '*.http': { options: { timeout: SUBGRAPH_TIMEOUT_MS } },
  },

  // Only the caller's credentials travel on; the request id is added by the plugin.
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_CLIENT_HEADERS) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
  },
  requestId: false, // replaced by useRequestState below, which validates the client's id

  // Browsers from the listed origins may call with credentials; any other
  // origin gets no CORS headers at all (never "null", which sandboxed frames send).
  cors: (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowedOrigins.has(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: [
        'authorization',
        'content-type',
        REQUEST_ID_HEADER,
        'apollo-require-preflight',
        'x-apollo-operation-name',
        'x-graphql-client-name',
      ],
      exposedHeaders: [REQUEST_ID_HEADER],
      maxAge: 600,
    };
  },
  // A browser sends a cross-site request without preflight only with a
  // "simple" content type (form, multipart, text/plain) or none (GET); Yoga
  // lets every other content type through (application/json from curl
  // included) and wants one of these headers on the rest. `content-type` is
  // deliberately not in the list: a text/plain form post has one.
  csrfPrevention: {
    requestHeaders: ['x-graphql-client-name', 'apollo-require-preflight', 'x-apollo-operation-name'],
  },

  graphiql: introspection
    ? {
        title: 'MiniShop',
        defaultQuery: DEFAULT_QUERY,
        defaultTabs: operationTabs(env.MINISHOP_OPERATIONS_DIR || '../schema/operations', DEFAULT_QUERY),
      }
    : false,
  // Every asset inlined: works offline, unlike Hive Laboratory or the CDN GraphiQL.
  renderGraphiQL,
  landingPage: false,
  disableIntrospection: introspection ? undefined : { disableIf: () => true },
  blockFieldSuggestions: !introspection,

  maxDepth: MAX_DEPTH,
  // Lists multiply by `first` or by the @listSize the subgraphs declare; each
  // subgraph call is estimated before it is sent, the first before anything runs.
  demandControl: { maxCost: maxCost(env.MINISHOP_MAX_COST), includeExtensionMetadata: !production },
  maxTokens: MAX_TOKENS,
  // One operation per request: a batch would multiply every limit above.
  batching: false,
  // Unexpected errors (a subgraph down, a bug here) become this message, and
  // never carry the original error, not even when NODE_ENV=development.
  maskedErrors: { errorMessage: INTERNAL_MESSAGE, isDev: false },
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
  prometheus: { endpoint: '/metrics', metrics: true },
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (gateway/tracing.ts).
  openTelemetry: openTelemetryConfig(),

  plugins: () => [
    useRequestState(),
    ...(rateLimit
      ? [
          useClientRateLimit({
            redisUrl: env.MINISHOP_REDIS_URL || 'redis://127.0.0.1:6380/0',
            limit: rateLimit,
            graphqlPath: GRAPHQL_PATH,
            addressOf: (request) => requests.get(request)?.address,
          }),
        ]
      : []),
    useRequestSizeLimit(MAX_REQUEST_BYTES),
    useTrustedDocuments({ manifest, mode: trustedDocuments, operations }),
    useDirectiveLimit(MAX_DIRECTIVES),
    useNamedSubgraphOperations(),
    useUpstreamHeaders(),
    useSubgraphErrorMasking(),
    useNoVariableValuesInErrors(),
    useVaryOnOrigin(),
    // `__typename` counts too: 100 aliases of it are 100 fields to answer.
    maxAliasesPlugin({ n: MAX_ALIASES, allowList: [] }),
  ],
});
