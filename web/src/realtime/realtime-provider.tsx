import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { applyStreamEvent } from '../cache/stream-cache-effects';
import { useSSEConnection, type SSEConnection } from './use-sse-connection';

const RealtimeContext = createContext<SSEConnection | null>(null);

/**
 * Holds the console's stream for a signed-in user and keeps the REST cache current with it: every event
 * is applied to the cached lists, and `resync` refetches the queries on screen (and marks the rest stale).
 */
export function RealtimeProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const connection = useSSEConnection({
    userId,
    onResync: () => queryClient.invalidateQueries({ refetchType: 'active' }),
  });
  const { subscribeAll } = connection;
  useEffect(() => subscribeAll((event) => applyStreamEvent(queryClient, event)), [subscribeAll, queryClient]);
  return <RealtimeContext.Provider value={connection}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): SSEConnection {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('useRealtime outside RealtimeProvider');
  return value;
}
