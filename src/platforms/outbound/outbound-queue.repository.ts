import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Platform } from '../../channels/entities/channel.entity.js';
import { postgresErrorCode, queryRows, UNIQUE_VIOLATION, type MessageRow } from '../inbox-rows.js';

/** A claimed agent message with what sending it needs. */
export interface ClaimedMessage extends MessageRow {
  thread_key: string;
  platform: Platform;
  channel_external_id: string;
  credentials_encrypted: string;
}

/**
 * The durable send queue is the messages table itself: a `pending` agent message whose `next_attempt_at` is
 * due is work. Claiming bumps `next_attempt_at` by a lease under FOR UPDATE SKIP LOCKED, so several
 * instances never claim one message at the same time; a crash mid-send releases it when the lease expires.
 */
@Injectable()
export class OutboundQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async claimDue(limit: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
    return queryRows<ClaimedMessage>(
      this.dataSource,
      `WITH due AS (
         SELECT id FROM messages
          WHERE status = 'pending' AND sender = 'agent' AND (next_attempt_at <= now() OR next_attempt_at IS NULL)
          ORDER BY next_attempt_at NULLS FIRST, created_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE messages m SET send_attempts = m.send_attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
           FROM due WHERE m.id = due.id
         RETURNING m.*
       )
       SELECT claimed.*, c.thread_key, ch.platform, ch.external_id AS channel_external_id, ch.credentials_encrypted
         FROM claimed
         JOIN conversations c ON c.id = claimed.conversation_id
         JOIN channels ch ON ch.id = claimed.channel_id
        ORDER BY claimed.created_at`,
      [limit, leaseSeconds],
    );
  }

  /**
   * `pending` → `sent`. Null when it is no longer pending (its echo was recorded first). A platform id that
   * an unmatched echo row already holds is not recorded twice: the message is then marked sent without it.
   */
  async markSent(
    manager: EntityManager,
    messageId: string,
    platformMessageId: string,
  ): Promise<MessageRow | null> {
    await manager.query('SAVEPOINT record_sent');
    try {
      const rows: MessageRow[] = await queryRows(
        manager,
        `UPDATE messages SET status = 'sent', platform_message_id = $2, error = NULL, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING *`,
        [messageId, platformMessageId],
      );
      await manager.query('RELEASE SAVEPOINT record_sent');
      return rows[0] ?? null;
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT record_sent');
      if (postgresErrorCode(error) !== UNIQUE_VIOLATION) throw error;
      const rows: MessageRow[] = await queryRows(
        manager,
        `UPDATE messages SET status = 'sent', error = NULL, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING *`,
        [messageId],
      );
      return rows[0] ?? null;
    }
  }

  async markFailed(manager: EntityManager, messageId: string, error: string): Promise<MessageRow | null> {
    const rows: MessageRow[] = await queryRows(
      manager,
      `UPDATE messages SET status = 'failed', error = $2, next_attempt_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING *`,
      [messageId, error],
    );
    return rows[0] ?? null;
  }

  /** A transient failure: stays `pending`, due again after the backoff (no status change, no event). */
  async reschedule(messageId: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET next_attempt_at = now() + make_interval(secs => $2), updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [messageId, delayMs / 1000],
    );
  }

  /** Gives an unsent claim back (on shutdown): due now, the attempt not counted. */
  async release(messageId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET next_attempt_at = now(), send_attempts = GREATEST(send_attempts - 1, 0) WHERE id = $1 AND status = 'pending'`,
      [messageId],
    );
  }
}
