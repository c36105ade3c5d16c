import { ApiError, apiRequest, setSessionHooks } from '../api/http-client';
import type { LoginResponse } from '../api/models';
import { accessTokenFrom, tokenStore, type AccessToken, type TokenStore } from './token-store';

/** Why a session ended without this tab signing in again: refused renewal, or a sign-out (in any tab). */
export type SessionEnd = 'expired' | 'signed-out';

/** What the tabs of one browser tell each other about the session. */
export type SessionMessage =
  | { kind: 'token'; token: AccessToken }
  | { kind: 'ended'; reason: SessionEnd };

export interface SessionChannel {
  postMessage(message: SessionMessage): void;
  onmessage: ((event: MessageEvent<SessionMessage>) => void) | null;
  close(): void;
}

export interface SessionLocks {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

export interface SessionDeps {
  store: TokenStore;
  /** POST /api/auth/refresh with the cookie. */
  refresh: () => Promise<{ accessToken: string; expiresIn: number }>;
  /** POST /api/auth/logout with the cookie. */
  logout: () => Promise<void>;
  channel: SessionChannel | null;
  /** Serialises renewals across tabs (Web Locks); null: only within this tab. */
  locks: SessionLocks | null;
  now?: () => number;
}

export const SESSION_CHANNEL = 'crm-inbox.session';
export const REFRESH_LOCK = 'crm-inbox.session-refresh';
/** After a renewal that failed for a reason other than a refusal (network, 5xx): try again this soon. */
export const RENEW_RETRY_MS = 5_000;

/**
 * How long before expiry a token is renewed: a quarter of its lifetime, at least 1 s and at most a minute
 * (a 1 h token is renewed a minute early; a 8 s test token 2 s early).
 */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(1_000, lifetimeMs / 4));
}

/** Whether a token still has more than its renewal margin to live. */
function isFresh(token: AccessToken | null, now: number): token is AccessToken {
  return token !== null && token.expiresAt - now > renewalMargin(token.lifetimeMs);
}

/**
 * The console's sign-in across reloads and tabs. The access token lives in memory; the `crm_refresh` cookie
 * (HttpOnly, never seen by script) renews it:
 * - on page load (`restore`), so a reload stays signed in;
 * - shortly before it expires (a timer in every tab), and once on any 401 (`renew`, from the HTTP client).
 * Renewals take a Web Lock, so one tab refreshes at a time; it hands the new token to the others over a
 * BroadcastChannel, and a tab that got the lock after another's renewal uses that token instead of refreshing
 * again (two refreshes at once are harmless anyway: the server answers the second within 10 s with a token).
 * A refused refresh (revoked, expired, password changed elsewhere) or a sign-out ends the session in every tab.
 */
export class Session {
  private readonly now: () => number;
  private inflight: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly endListeners = new Set<(reason: SessionEnd) => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.unsubscribe) return;
    if (this.deps.channel) this.deps.channel.onmessage = (event) => this.receive(event.data);
    this.unsubscribe = this.deps.store.subscribe((next) => this.schedule(next));
    this.schedule(this.deps.store.peek());
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clearTimer();
    if (this.deps.channel) {
      this.deps.channel.onmessage = null;
      this.deps.channel.close();
    }
  }

  onEnded(listener: (reason: SessionEnd) => void): () => void {
    this.endListeners.add(listener);
    return () => {
      this.endListeners.delete(listener);
    };
  }

  /** Page load: a token through the cookie, or false (signed out). */
  async restore(): Promise<boolean> {
    if (this.deps.store.get()) return true;
    try {
      return (await this.renew(null, { quiet: true })) !== null;
    } catch {
      return false;
    }
  }

  /**
   * A token newer than `stale` (the one a request was refused with, or null): another tab's if it renewed
   * meanwhile, else a refresh. Null when the refresh is refused: the session has ended everywhere. Throws
   * when the server could not be reached (the session may still be alive).
   */
  renew(stale: string | null, options: { quiet?: boolean } = {}): Promise<string | null> {
    if (!this.inflight) {
      const run = (): Promise<string | null> => this.renewHoldingLock(stale, options.quiet ?? false);
      const locks = this.deps.locks;
      this.inflight = (locks ? (locks.request(REFRESH_LOCK, run) as Promise<string | null>) : run()).finally(
        () => {
          this.inflight = null;
        },
      );
    }
    return this.inflight;
  }

  /** A session from sign-in or a password change: kept here and handed to the other tabs. */
  adopt(answer: Pick<LoginResponse, 'accessToken' | 'expiresIn'>): void {
    const token = accessTokenFrom(answer.accessToken, answer.expiresIn, this.now());
    this.deps.store.set(token);
    this.deps.channel?.postMessage({ kind: 'token', token });
  }

  /** Revokes the refresh token's chain (best effort) and signs out every tab. */
  async signOut(): Promise<void> {
    try {
      await this.deps.logout();
    } finally {
      this.end('signed-out');
    }
  }

  /** Ends the session in this tab and the others. */
  end(reason: SessionEnd): void {
    this.clearTimer();
    this.deps.channel?.postMessage({ kind: 'ended', reason });
    this.endLocally(reason);
  }

  private async renewHoldingLock(stale: string | null, quiet: boolean): Promise<string | null> {
    const current = this.deps.store.peek();
    // Another tab renewed while we waited for the lock (its broadcast came first): use its token.
    if (current && current.token !== stale && isFresh(current, this.now())) return current.token;
    let answer: { accessToken: string; expiresIn: number };
    try {
      answer = await this.deps.refresh();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        // On page load there was no session to end: just signed out, no message.
        if (quiet && !this.deps.store.get()) return null;
        this.end('expired');
        return null;
      }
      this.retrySoon();
      throw error;
    }
    this.adopt(answer);
    return answer.accessToken;
  }

  private receive(message: SessionMessage): void {
    if (message.kind === 'token') {
      const current = this.deps.store.peek();
      if (!current || message.token.expiresAt >= current.expiresAt) this.deps.store.set(message.token);
    } else {
      this.endLocally(message.reason);
    }
  }

  private endLocally(reason: SessionEnd): void {
    const hadSession = this.deps.store.get() !== null;
    this.deps.store.clear();
    if (hadSession || reason === 'signed-out') for (const listener of [...this.endListeners]) listener(reason);
  }

  /** Renews a margin before `token` expires (each tab; the lock makes one of them refresh). */
  private schedule(token: AccessToken | null): void {
    this.clearTimer();
    if (!token) return;
    const delay = Math.max(0, token.expiresAt - renewalMargin(token.lifetimeMs) - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.renew(token.token).catch(() => undefined);
    }, delay);
  }

  private retrySoon(): void {
    const token = this.deps.store.peek();
    if (!token) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.renew(token.token).catch(() => undefined);
    }, RENEW_RETRY_MS);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function browserLocks(): SessionLocks | null {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return null;
  return { request: (name, callback) => locks.request(name, callback) };
}

function browserChannel(): SessionChannel | null {
  return typeof BroadcastChannel === 'undefined'
    ? null
    : new BroadcastChannel(SESSION_CHANNEL);
}

let shared: Session | null = null;

/** This tab's session, wired to the HTTP client (renewal on 401) on first use. */
export function getSession(): Session {
  if (!shared) {
    const session = new Session({
      store: tokenStore,
      refresh: () =>
        apiRequest<LoginResponse>('/auth/refresh', { method: 'POST', body: {}, anonymous: true }),
      logout: () => apiRequest<void>('/auth/logout', { method: 'POST', body: {}, anonymous: true }),
      channel: browserChannel(),
      locks: browserLocks(),
    });
    setSessionHooks({
      renew: (stale) => session.renew(stale),
      unauthorized: () => session.end('expired'),
    });
    session.start();
    shared = session;
  }
  return shared;
}

/** Tests: forget this tab's session (and its channel and timer). */
export function resetSessionForTests(): void {
  shared?.stop();
  shared = null;
  tokenStore.clear();
}
