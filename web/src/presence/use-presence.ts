import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { queryKeys } from '../cache/query-keys';
import type { PresenceStatus } from '../realtime/ephemeral-events';

/** Every workspace user's presence, asked once and kept current by `presence_changed`. */
export function usePresence(): (userId: string) => PresenceStatus {
  const { data } = useQuery({ queryKey: queryKeys.presence, queryFn: api.listPresence });
  return (userId) => data?.items.find((item) => item.userId === userId)?.status ?? 'offline';
}
