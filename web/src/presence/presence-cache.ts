import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../cache/query-keys';
import type { Presence } from '../realtime/ephemeral-events';

export interface PresenceList {
  items: Presence[];
}

/** `presence_changed`: one user's status replaces theirs in the cached `GET /api/presence`. */
export function applyPresence(queryClient: QueryClient, presence: Presence): void {
  queryClient.setQueryData<PresenceList>(queryKeys.presence, (list) => {
    if (!list) return list;
    const others = list.items.filter((item) => item.userId !== presence.userId);
    return { items: [...others, presence] };
  });
}
