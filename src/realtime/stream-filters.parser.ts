import type { StreamEventType } from '../common/domain-events.js';
import type { EventFiltersDto } from './dto/stream-query.dto.js';
import type { StreamFilters } from './stream-filters.js';

/** Validated query filters (see EventFiltersDto) → the in-memory form. */
export function parseFilters(query: EventFiltersDto): StreamFilters {
  return {
    types: query.types ? new Set(query.types.split(',') as StreamEventType[]) : null,
    conversationId: query.conversationId ?? null,
    channelId: query.channelId ?? null,
  };
}
