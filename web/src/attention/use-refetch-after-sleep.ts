import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../cache/query-keys';

/** A tab hidden this long, or a timer this late (the machine slept), may have missed changes. */
export const LONG_SLEEP_MS = 60_000;
const WAKE_CHECK_MS = 10_000;

/**
 * The stream resumes without loss, but counts and read state are per user and cheap to ask for: after a long
 * sleep (hidden tab, suspended machine) or coming back online, ask again rather than trust the cached numbers.
 */
export function useRefetchAfterSleep(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const refetch = (): void => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationCounts });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationLists });
      void queryClient.invalidateQueries({ queryKey: ['conversation'] });
    };
    let hiddenAt: number | null = document.visibilityState === 'hidden' ? Date.now() : null;
    const onVisibility = (): void => {
      if (document.visibilityState === 'hidden') hiddenAt = Date.now();
      else {
        if (hiddenAt !== null && Date.now() - hiddenAt >= LONG_SLEEP_MS) refetch();
        hiddenAt = null;
      }
    };
    let lastTick = Date.now();
    const wakeCheck = setInterval(() => {
      const now = Date.now();
      if (now - lastTick >= WAKE_CHECK_MS + LONG_SLEEP_MS) refetch();
      lastTick = now;
    }, WAKE_CHECK_MS);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('online', refetch);
    return () => {
      clearInterval(wakeCheck);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('online', refetch);
    };
  }, [queryClient]);
}
