/**
 * Elects one tab per user to hold the event stream, with the Web Locks API: the tab that holds the lock is
 * the leader; the others queue on it, and when the leader's tab closes (or crashes) the browser hands the
 * lock to the next one. Without Web Locks every tab leads its own stream.
 *
 * `lead` runs when this tab becomes leader and returns how to step down. Returns a function that leaves the
 * election (and steps down if leading).
 */
export function joinLeaderElection(lockName: string, lead: () => () => void): () => void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) {
    const stepDown = lead();
    return stepDown;
  }
  const abort = new AbortController();
  let stepDown: (() => void) | null = null;
  let releaseLock: (() => void) | null = null;
  let left = false;
  locks
    .request(lockName, { signal: abort.signal }, () => {
      if (left) return undefined;
      stepDown = lead();
      // Hold the lock until this tab leaves the election.
      return new Promise<void>((resolve) => {
        releaseLock = resolve;
      });
    })
    .catch(() => undefined); // AbortError when we leave while still queued
  return () => {
    left = true;
    abort.abort();
    stepDown?.();
    stepDown = null;
    releaseLock?.();
  };
}
