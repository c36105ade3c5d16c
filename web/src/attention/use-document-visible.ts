import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

export function isDocumentVisible(): boolean {
  return document.visibilityState === 'visible';
}

/** Whether the agent can see this tab at all (not minimised, not another tab in front). */
export function useDocumentVisible(): boolean {
  return useSyncExternalStore(subscribe, isDocumentVisible);
}
