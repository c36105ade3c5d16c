import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { applyStreamEvent } from '../cache/stream-cache-effects';
import type { StreamEventOf, StreamEventType } from './stream-events';
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

/** Runs `handler` for each event of `type` while the component is mounted. */
export function useStreamEvent<K extends StreamEventType>(
  type: K,
  handler: (event: StreamEventOf<K>) => void,
): void {
  const { subscribe } = useRealtime();
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => subscribe(type, (event) => handlerRef.current(event)), [subscribe, type]);
}
