/**
 * Limits of MiniShop's own, where Hive Gateway's built-in ones do not fit:
 * the request size checked before the body is read, directives counted before
 * validation (one error, however many there are), and a per-client request
 * rate shared by every gateway replica through Redis.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { Redis } from 'ioredis';

/**
 * At most `limit` directives in a document. Checked right after parsing: left
 * to validation, a document with thousands of unknown or repeated directives
 * gets one error for each of them, a response far larger than the request.
 */
export function useDirectiveLimit(limit: number): GatewayPlugin {
  const checked = new WeakSet<DocumentNode>();
  return {
    onParse({ params }) {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      // Each directive needs an '@': most documents are cleared without a walk.
      let ats = 0;
      for (let i = source.indexOf('@'); i !== -1 && ats <= limit; i = source.indexOf('@', i + 1)) ats++;
      if (ats <= limit) return;
      return ({ result }) => {
        if (!result || result instanceof Error || checked.has(result as DocumentNode)) return;
        let count = 0;
        visit(result as DocumentNode, {
          [Kind.DIRECTIVE]() {
            count++;
          },
        });
        if (count > limit) {
          throw new GraphQLError(`Directives limit of ${limit} exceeded, found ${count}.`, {
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
          });
        }
        checked.add(result as DocumentNode);
      };
    },
  };
}

export interface RateLimit {
  count: number;
  windowSeconds: number;
}

/** "<count>/<seconds>" (e.g. 600/60), "off", or the default when unset. */
export function rateLimitSetting(raw: string | undefined, fallback: RateLimit | null): RateLimit | null {
  const value = raw?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'off') return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const count = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || count < 1 || windowSeconds < 1) {
    throw new Error(`MINISHOP_GATEWAY_RATE_LIMIT must be <count>/<seconds> or off, got ${JSON.stringify(raw)}`);
  }
  return { count, windowSeconds };
}

// One atomic round trip: count this request in the client's current window and
// return the count and the milliseconds left in the window.
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * At most `limit.count` GraphQL requests per client address in each window,
 * counted in Redis so every replica shares them. Over the limit: 429 with
 * Retry-After and a RATE_LIMITED error, before the request is even parsed.
 * Redis out of reach lets requests through (logged): the subgraphs' own
 * limits, on sign-in above all, refuse when they cannot count.
 */
export function useClientRateLimit(options: {
  redisUrl: string;
  limit: RateLimit;
  graphqlPath: string;
  addressOf: (request: Request) => string | undefined;
}): GatewayPlugin {
  const { limit, graphqlPath, addressOf } = options;
  const redis = new Redis(options.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    connectTimeout: 1000,
  });
  redis.on('error', () => undefined); // reported per request below, not once per retry
  const windowMs = limit.windowSeconds * 1000;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method === 'OPTIONS' || url.pathname !== graphqlPath) return;
      const address = addressOf(request) ?? 'unknown';
      let count: number;
      let ttl: number;
      try {
        [count, ttl] = (await redis.eval(COUNT_SCRIPT, 1, `ratelimit:gateway:${address}`, windowMs)) as [
          number,
          number,
        ];
      } catch (error) {
        console.error(`rate limit not counted: ${(error as Error).message}`);
        return;
      }
      if (count <= limit.count) return;
      const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
      endResponse(
        fetchAPI.Response.json(
          {
            errors: [
              {
                message: `Too many requests. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
                extensions: { code: 'RATE_LIMITED', retryAfter },
              },
            ],
          },
          { status: 429, headers: { 'retry-after': String(retryAfter) } },
        ),
      );
    },
    onDispose() {
      redis.disconnect();
    },
  };
}

/** 413 before reading a body larger than the limit (Yoga's own cap is 25 MB). */
export function useRequestSizeLimit(limit: number): GatewayPlugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
      const length = request.headers.get('content-length');
      const reject = (status: number, message: string) =>
        endResponse(
          fetchAPI.Response.json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }, { status }),
        );
      if (length === null) {
        // A chunked body has no length to check up front; every GraphQL client sends one.
        if (request.headers.has('transfer-encoding')) reject(411, 'Content-Length required.');
        return;
      }
      if (!/^\d+$/.test(length)) reject(400, 'Content-Length header is invalid.');
      else if (Number(length) > limit) reject(413, 'Request body too large.');
    },
  };
}
