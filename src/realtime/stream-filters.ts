import type { StreamEventType, WireEventType } from '../common/domain-events.js';

/** The optional filters of a stream or catch-up request, combined with AND. */
export interface StreamFilters {
  types: ReadonlySet<StreamEventType> | null;
  conversationId: string | null;
  channelId: string | null;
}

export const NO_FILTERS: StreamFilters = { types: null, conversationId: null, channelId: null };

export function matchesFilters(
  filters: StreamFilters,
  event: { type: WireEventType; conversationId: string | null; channelId: string | null },
): boolean {
  if (filters.types && !filters.types.has(event.type)) return false;
  if (filters.conversationId && event.conversationId !== filters.conversationId) return false;
  if (filters.channelId && event.channelId !== filters.channelId) return false;
  return true;
}
