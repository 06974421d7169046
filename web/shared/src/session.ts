/**
 * A signed-in session: the access token in memory only, the refresh token in
 * this tab's sessionStorage (web/README.md says why and what it costs), and
 * rotation handled here so pages never see an expired token.
 *
 * Every refresh token is used once: the gateway hands back a new pair and
 * presenting a rotated token revokes the whole sign-in. So refreshes are
 * single-flight (concurrent callers share one), and the new token is stored
 * before anyone else can read the old one.
 */
import { type Document, GraphQLClient, RequestError } from './client';

/** What register, login and refreshToken answer (the SessionFields fragment). */
export interface SessionResult<TUser> {
  accessToken?: string | null;
  refreshToken?: string | null;
  expiresIn?: number | null;
  user?: TUser | null;
  userErrors: ReadonlyArray<{ field?: readonly string[] | null; message: string; code: string }>;
}

export interface SessionOperations<TUser> {
  /** RefreshToken: returns the payload of `refreshToken(refreshToken:)`. */
  refresh(client: GraphQLClient, refreshToken: string): Promise<SessionResult<TUser>>;
  /** Logout: ends the sign-in the refresh token belongs to. */
  logout(client: GraphQLClient, refreshToken: string): Promise<void>;
}

type Listener<TUser> = (user: TUser | null) => void;

// Refresh this long before the access token runs out, so a request in flight never carries an expired one.
const REFRESH_MARGIN_SECONDS = 30;
const MIN_REFRESH_DELAY_MS = 5_000;

export class Session<TUser> {
  readonly #client: GraphQLClient;
  readonly #operations: SessionOperations<TUser>;
  readonly #storageKey: string;
  #accessToken: string | null = null;
  #user: TUser | null = null;
  // Mirrors sessionStorage, so a tab whose storage is disabled still rotates.
  #refreshToken: string | null = null;
  #refreshing: Promise<boolean> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #listeners = new Set<Listener<TUser>>();

  constructor(client: GraphQLClient, operations: SessionOperations<TUser>, storageKey: string) {
    this.#client = client;
    this.#operations = operations;
    this.#storageKey = storageKey;
  }

  get user(): TUser | null {
    return this.#user;
  }

  get signedIn(): boolean {
    return this.#accessToken !== null;
  }

  subscribe(listener: Listener<TUser>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** After a page load: resume the tab's sign-in if it has one. */
  async resume(): Promise<void> {
    if (this.#storedRefreshToken()) await this.refresh();
  }

  /** Keep what register or login answered; false when it carried no tokens. */
  accept(result: SessionResult<TUser>): boolean {
    if (!result.accessToken || !result.refreshToken || result.userErrors.length > 0) return false;
    this.#accessToken = result.accessToken;
    this.#storeRefreshToken(result.refreshToken);
    if (result.user) this.#user = result.user;
    this.#schedule(result.expiresIn ?? null);
    this.#emit();
    return true;
  }

  /** Replace the signed-in user's details (after a profile change, say). */
  updateUser(user: TUser): void {
    this.#user = user;
    this.#emit();
  }

  /** Rotate the refresh token; false (and signed out) when it no longer works. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#rotate().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #rotate(): Promise<boolean> {
    const token = this.#storedRefreshToken();
    if (!token) {
      this.#clear();
      return false;
    }
    let result: SessionResult<TUser>;
    try {
      result = await this.#operations.refresh(this.#client, token);
    } catch (error) {
      // Unreachable gateway or a refusal (rate limit) that is no verdict on the
      // token: keep it for the next try.
      if (error instanceof RequestError) return false;
      throw error;
    }
    if (this.accept(result)) return true;
    // INVALID_TOKEN: expired, revoked or reused; the sign-in is over.
    this.#clear();
    return false;
  }

  async signOut(): Promise<void> {
    const token = this.#storedRefreshToken();
    this.#clear();
    if (token) {
      try {
        await this.#operations.logout(this.#client, token);
      } catch {
        // Signed out here whatever the gateway says; the token expires on its own.
      }
    }
  }

  /** Signed out locally, without a call (the sign-in is already gone, or refused). */
  forget(): void {
    this.#clear();
  }

  /**
   * Run an operation as the signed-in user. An UNAUTHENTICATED answer (the
   * access token expired or was revoked) refreshes once and retries.
   */
  async request<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    signal?: AbortSignal,
  ): Promise<TResult> {
    if (this.#refreshing) await this.#refreshing;
    const sentWith = this.#accessToken;
    try {
      return await this.#client.request(document, variables, { accessToken: sentWith, signal });
    } catch (error) {
      if (!(error instanceof RequestError) || !error.hasCode('UNAUTHENTICATED') || !sentWith) throw error;
      // Another request may have rotated meanwhile; refresh only if nobody did.
      const fresh = this.#accessToken !== sentWith ? true : await this.refresh();
      if (!fresh) throw error;
      return this.#client.request(document, variables, { accessToken: this.#accessToken, signal });
    }
  }

  #schedule(expiresIn: number | null): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!expiresIn) return;
    const delay = Math.max((expiresIn - REFRESH_MARGIN_SECONDS) * 1000, MIN_REFRESH_DELAY_MS);
    this.#timer = setTimeout(() => void this.refresh(), delay);
  }

  #clear(): void {
    const wasSignedIn = this.#accessToken !== null || this.#user !== null;
    this.#accessToken = null;
    this.#user = null;
    this.#refreshToken = null;
    this.#schedule(null);
    try {
      window.sessionStorage.removeItem(this.#storageKey);
    } catch {
      // Storage disabled: nothing was kept.
    }
    if (wasSignedIn) this.#emit();
  }

  #storedRefreshToken(): string | null {
    if (this.#refreshToken) return this.#refreshToken;
    try {
      return window.sessionStorage.getItem(this.#storageKey);
    } catch {
      return null;
    }
  }

  #storeRefreshToken(token: string): void {
    this.#refreshToken = token;
    try {
      window.sessionStorage.setItem(this.#storageKey, token);
    } catch {
      // Storage disabled: the sign-in lasts as long as the page.
    }
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.#user);
  }
}
