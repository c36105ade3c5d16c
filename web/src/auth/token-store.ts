/**
 * The access token, kept in localStorage so every tab of the console shares one sign-in (and signing out in
 * one tab signs out all of them through the `storage` event).
 */
const TOKEN_KEY = 'crm-inbox.accessToken';

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

function notify(token: string | null): void {
  for (const listener of listeners) listener(token);
}

export const tokenStore = {
  get(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
    notify(token);
  },
  clear(): void {
    if (localStorage.getItem(TOKEN_KEY) === null) return;
    localStorage.removeItem(TOKEN_KEY);
    notify(null);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    const onStorage = (event: StorageEvent): void => {
      if (event.key === TOKEN_KEY) listener(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('storage', onStorage);
    };
  },
};
