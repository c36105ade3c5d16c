import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { EventLogRepository } from './event-log.repository.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { ValidationError } from '../common/errors/domain-errors.js';

/** Client cursors (POST /api/events/ack) and the delivery latency they reveal. */
@Injectable()
export class EventCursorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLogRepository,
    private readonly metrics: RealtimeMetrics,
  ) {}

  async ack(actor: AuthUser, clientId: string, lastEventId: number): Promise<void> {
    if (!Number.isSafeInteger(lastEventId)) throw new ValidationError('lastEventId is after the newest event');
    const createdAt = await this.log.createdAt(lastEventId);
    if (!createdAt && lastEventId > (await this.log.headId())) {
      throw new ValidationError('lastEventId is after the newest event');
    }
    // A cursor only moves forward: a late ack from another tab cannot rewind it.
    await this.dataSource.query(
      `INSERT INTO event_cursors (user_id, client_id, last_event_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, client_id)
       DO UPDATE SET last_event_id = GREATEST(event_cursors.last_event_id, EXCLUDED.last_event_id), updated_at = now()`,
      [actor.id, clientId, lastEventId],
    );
    if (createdAt) this.metrics.deliveryLatency.observe(Math.max(0, Date.now() - createdAt.getTime()) / 1000);
  }

  async cursorOf(actor: AuthUser, clientId: string): Promise<number | undefined> {
    const [row] = await this.dataSource.query<Array<{ last_event_id: string }>>(
      'SELECT last_event_id FROM event_cursors WHERE user_id = $1 AND client_id = $2',
      [actor.id, clientId],
    );
    return row ? Number(row.last_event_id) : undefined;
  }
}
