/**
 * Where the app finds the gateway, read at start-up from `config.json` beside
 * `index.html`, so one build serves any stack (the local one, the browser
 * tests' stacks on free ports, a deployment) without rebuilding.
 */

/** How operations travel: the manifest hash alone, or the hash with the document. */
export type PersistedMode = 'hash' | 'hash-and-body';

export interface AppConfig {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  gatewayUrl: string;
  /**
   * `hash` where the gateway runs only trusted documents
   * (MINISHOP_TRUSTED_DOCUMENTS=all); `hash-and-body` elsewhere, which any
   * gateway accepts, with or without a manifest.
   */
  persistedQueries: PersistedMode;
}

function isMode(value: unknown): value is PersistedMode {
  return value === 'hash' || value === 'hash-and-body';
}

export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== 'object' || raw === null) throw new Error('config.json is not an object');
  const { gatewayUrl, persistedQueries = 'hash-and-body' } = raw as Record<string, unknown>;
  if (typeof gatewayUrl !== 'string' || !gatewayUrl) throw new Error('config.json needs a gatewayUrl');
  if (!isMode(persistedQueries)) {
    throw new Error('config.json: persistedQueries is "hash" or "hash-and-body"');
  }
  // Relative URLs are taken from the page's own address.
  return { gatewayUrl: new URL(gatewayUrl, window.location.href).toString(), persistedQueries };
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch(new URL('config.json', window.location.href), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseConfig(await response.json());
}
