/**
 * The access token, in this tab's memory only: never in localStorage or any other storage a script injected
 * into the page could read later. A reload gets a new one through the `crm_refresh` cookie (see session.ts),
 * and the tabs of a browser hand renewed tokens to each other over a BroadcastChannel.
 */
export interface AccessToken {
  token: string;
  /** Epoch ms at which the server stops accepting it. */
  expiresAt: number;
  /** Its whole lifetime in ms (what the renewal margin is measured against). */
  lifetimeMs: number;
}

type Listener = (next: AccessToken | null, previous: AccessToken | null) => void;

/** Where earlier versions of the console kept the token: removed on sight. */
const LEGACY_TOKEN_KEY = 'crm-inbox.accessToken';

export class TokenStore {
  private current: AccessToken | null = null;
  private readonly listeners = new Set<Listener>();

  get(): string | null {
    return this.current?.token ?? null;
  }

  peek(): AccessToken | null {
    return this.current;
  }

  set(token: AccessToken): void {
    const previous = this.current;
    if (previous?.token === token.token) return;
    this.current = token;
    this.notify(previous);
  }

  clear(): void {
    const previous = this.current;
    if (!previous) return;
    this.current = null;
    this.notify(previous);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(previous: AccessToken | null): void {
    for (const listener of [...this.listeners]) listener(this.current, previous);
  }
}

export const tokenStore = new TokenStore();

/**
 * The server's `exp` counts whole seconds from the second the token was issued in, so the token (and the stream
 * opened with it) may end up to this much before now + expiresIn.
 */
const EXP_ROUNDING_MS = 1_000;

export function accessTokenFrom(token: string, expiresInSeconds: number, now = Date.now()): AccessToken {
  const lifetimeMs = Math.max(0, expiresInSeconds) * 1000;
  return { token, expiresAt: now + Math.max(0, lifetimeMs - EXP_ROUNDING_MS), lifetimeMs };
}

try {
  localStorage.removeItem(LEGACY_TOKEN_KEY);
} catch {
  // No storage (private mode quirks): nothing was kept there either.
}
