/**
 * The one way both apps talk to the graph: named operations from
 * schema/operations, sent by their persisted-query hash (with the document
 * too unless the gateway runs trusted documents only), typed by the code
 * generated from those documents and the supergraph.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

import type { AppConfig } from './config';

/** A manifest entry: the id is the SHA-256 of the body the gateway knows. */
export interface PersistedOperation {
  id: string;
  body: string;
}

export type PersistedOperations = Readonly<Record<string, PersistedOperation>>;

export interface GraphQLErrorShape {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request that gave no data: the gateway's `errors[]`, or the network. */
export class RequestError extends Error {
  readonly errors: readonly GraphQLErrorShape[];
  readonly status: number | null;

  constructor(message: string, errors: readonly GraphQLErrorShape[] = [], status: number | null = null) {
    super(message);
    this.name = 'RequestError';
    this.errors = errors;
    this.status = status;
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  hasCode(code: string): boolean {
    return this.errors.some((error) => error.extensions?.code === code);
  }
}

const OPERATION_NAME = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/m;

/** The operation's name, read from the generated document. */
export function operationName(document: string): string {
  const match = OPERATION_NAME.exec(document);
  if (!match?.[1]) throw new Error('Only named operations are sent to the gateway.');
  return match[1];
}

export type Document<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  toString(): string;
};

export interface ClientOptions {
  config: AppConfig;
  persisted: PersistedOperations;
  /** Sent as x-graphql-client-name: it also satisfies the gateway's CSRF rule. */
  clientName: string;
}

export interface RequestOptions {
  /** Bearer token for this request; none is anonymous. */
  accessToken?: string | null;
  signal?: AbortSignal;
}

export class GraphQLClient {
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    this.#options = options;
  }

  /** The body of a request for `document`, as the gateway is set to take it. */
  payload(document: string, variables: unknown): Record<string, unknown> {
    const name = operationName(document);
    const entry = this.#options.persisted[name];
    if (!entry) {
      // The build refuses documents missing from the manifest; this is a second check.
      throw new Error(`Operation ${name} is not in the persisted-query manifest.`);
    }
    const body: Record<string, unknown> = {
      operationName: name,
      variables: variables ?? {},
      extensions: { persistedQuery: { version: 1, sha256Hash: entry.id } },
    };
    if (this.#options.config.persistedQueries === 'hash-and-body') body.query = entry.body;
    return body;
  }

  async request<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    options: RequestOptions = {},
  ): Promise<TResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'x-graphql-client-name': this.#options.clientName,
    };
    if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
    let response: Response;
    try {
      response = await fetch(this.#options.config.gatewayUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(this.payload(document.toString(), variables)),
        signal: options.signal ?? null,
        credentials: 'omit',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new RequestError('The shop cannot be reached. Check your connection and try again.');
    }
    let result: { data?: TResult | null; errors?: GraphQLErrorShape[] };
    try {
      result = (await response.json()) as typeof result;
    } catch {
      throw new RequestError(`The shop answered HTTP ${response.status}.`, [], response.status);
    }
    const errors = result.errors ?? [];
    if (errors.length > 0 || result.data == null) {
      const message = errors[0]?.message ?? `The shop answered HTTP ${response.status}.`;
      throw new RequestError(message, errors, response.status);
    }
    return result.data;
  }
}
