import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ADMIN_ONLY_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../common/domain-events.js';
import { queryRows } from '../database/postgres-errors.js';
import type { EventRow } from './relayed-event.js';
import type { StreamFilters } from './stream-filters.js';

const EVENT_COLUMNS = 'event.id, event.type, event.workspace_id, event.channel_id, event.conversation_id, event.user_id, event.data::text AS data, event.created_at';
const READ_AFTER = `SELECT ${EVENT_COLUMNS} FROM events event WHERE event.id > $1 ORDER BY event.id LIMIT $2`;
/** The relay's read as a named statement: parsed and planned once per connection. */
const READ_AFTER_STATEMENT = 'crm_events_read_after';

/** Every query on the event log. */
@Injectable()
export class EventLogRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** Events with afterId < id <= untilId in id order (all workspaces: the relay and the stream filter in memory). */
  readRange(afterId: number, untilId: number, limit: number): Promise<EventRow[]> {
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events event WHERE event.id > $1 AND event.id <= $2 ORDER BY event.id LIMIT $3`,
      [afterId, untilId, limit],
    );
  }

  readAfter(afterId: number, limit: number): Promise<EventRow[]> {
    return this.dataSource.query(READ_AFTER, [afterId, limit]);
  }

  /** readAfter on a connection the caller holds (the relay's LISTEN connection), as a prepared statement. */
  async readAfterOn(client: pg.ClientBase, afterId: number, limit: number): Promise<EventRow[]> {
    const result = await client.query<EventRow>({ name: READ_AFTER_STATEMENT, text: READ_AFTER, values: [afterId, limit] });
    return result.rows;
  }

  /** A page of the events this user may see now, for GET /api/events. */
  async readVisible(actor: AuthUser, afterId: number, filters: StreamFilters, limit: number): Promise<EventRow[]> {
    const query = this.dataSource
      .createQueryBuilder()
      .select(['event.id AS id', 'event.type AS type', 'event.data::text AS data', 'event.created_at AS created_at'])
      .addSelect(['event.workspace_id AS workspace_id', 'event.channel_id AS channel_id', 'event.conversation_id AS conversation_id', 'event.user_id AS user_id'])
      .from('events', 'event')
      .where('event.id > :afterId', { afterId })
      .andWhere('event.type NOT IN (:...internalTypes)', { internalTypes: INTERNAL_EVENT_TYPES });
    this.access.scope(query, actor, 'event', 'channel_id');
    if (actor.role !== 'admin') query.andWhere('event.type NOT IN (:...adminOnlyTypes)', { adminOnlyTypes: ADMIN_ONLY_EVENT_TYPES });
    query.andWhere('(event.user_id IS NULL OR event.user_id = :eventUserId)', { eventUserId: actor.id });
    if (filters.types) query.andWhere('event.type IN (:...types)', { types: [...filters.types] });
    if (filters.conversationId) query.andWhere('event.conversation_id = :conversationId', { conversationId: filters.conversationId });
    if (filters.channelId) query.andWhere('event.channel_id = :channelId', { channelId: filters.channelId });
    return query.orderBy('event.id', 'ASC').limit(limit).getRawMany<EventRow>();
  }

  async headId(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ head: string | null }>>('SELECT max(id) AS head FROM events');
    return Number(row?.head ?? 0);
  }

  /** The largest id removed by retention: a resume point below it has lost events. */
  async prunedThrough(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ pruned_through: string }>>('SELECT pruned_through FROM event_log_state');
    return Number(row?.pruned_through ?? 0);
  }

  async createdAt(id: number): Promise<Date | null> {
    const [row] = await this.dataSource.query<Array<{ created_at: Date }>>('SELECT created_at FROM events WHERE id = $1', [id]);
    return row?.created_at ?? null;
  }

  /** Deletes up to `batch` events older than the cutoff, oldest first, and records how far the log was pruned. */
  async pruneBatch(cutoff: Date, batch: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ id: string }>(
        manager,
        `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < $1 ORDER BY id LIMIT $2) RETURNING id`,
        [cutoff, batch],
      );
      if (rows.length === 0) return 0;
      const maxId = rows.reduce((max, row) => Math.max(max, Number(row.id)), 0);
      await manager.query('UPDATE event_log_state SET pruned_through = GREATEST(pruned_through, $1)', [maxId]);
      return rows.length;
    });
  }
}
