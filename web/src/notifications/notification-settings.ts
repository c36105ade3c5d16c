import { useCallback, useSyncExternalStore } from 'react';

const MUTED_KEY = 'crm-inbox.notifications.muted';
const listeners = new Set<() => void>();

export function isMuted(): boolean {
  return localStorage.getItem(MUTED_KEY) === '1';
}

export function setMuted(muted: boolean): void {
  if (muted) localStorage.setItem(MUTED_KEY, '1');
  else localStorage.removeItem(MUTED_KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed it.
  const onStorage = (event: StorageEvent): void => {
    if (event.key === MUTED_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The mute switch of desktop notifications and their sound, kept in localStorage for every tab. */
export function useMuted(): [boolean, (muted: boolean) => void] {
  const muted = useSyncExternalStore(subscribe, isMuted);
  return [muted, useCallback((next: boolean) => setMuted(next), [])];
}
