import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { ListEventsQueryDto } from './dto/list-events-query.dto.js';
import { EventLogRepository } from './event-log.repository.js';
import { parseFilters } from './stream-filters.parser.js';
import { GoneError } from '../common/errors/domain-errors.js';

const DEFAULT_LIMIT = 50;

export interface EventItem {
  id: string;
  type: string;
  data: unknown;
  createdAt: string;
}

/** GET /api/events: the same log, filters and visibility as the stream, for catch-up without a stream. */
@Injectable()
export class EventsService {
  constructor(private readonly log: EventLogRepository) {}

  async listEvents(actor: AuthUser, query: ListEventsQueryDto): Promise<{ items: EventItem[]; nextCursor: string | null }> {
    const after = Number(query.after ?? '0');
    const limit = query.limit ?? DEFAULT_LIMIT;
    // Like `resync` on the stream: a resume point older than retention, or one this log never had (after
    // its newest event), cannot be caught up from; the client refetches over REST.
    if (!Number.isSafeInteger(after)) throw new GoneError('after is not an id of this event log; refetch over REST');
    if (after < (await this.log.prunedThrough())) {
      throw new GoneError('Events after this id have been removed by retention; refetch over REST');
    }
    if (after > (await this.log.headId())) throw new GoneError('after is not an id of this event log; refetch over REST');
    const rows = await this.log.readVisible(actor, after, parseFilters(query), limit);
    const items = rows.map((row) => ({
      id: String(row.id),
      type: row.type,
      data: JSON.parse(row.data) as unknown,
      createdAt: new Date(row.created_at).toISOString(),
    }));
    return { items, nextCursor: items.length === limit ? items[items.length - 1].id : null };
  }
}
