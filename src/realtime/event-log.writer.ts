import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { WIRE_EVENT_TYPES, type DomainEventEnvelope } from '../common/domain-events.js';

/**
 * Advisory lock that orders the event log: a transaction takes it right before inserting its events and
 * holds it until commit, so ids become visible strictly in increasing order. Without it, T1 could take id 41,
 * T2 id 42, T2 commit first, and a reader resuming after 42 would never see 41.
 */
export const EVENT_LOG_LOCK_KEY = 7_230_002;
/** NOTIFY channel: a wake-up hint for the relays, never the payload (NOTIFY payloads are capped at 8000 bytes). */
export const EVENT_NOTIFY_CHANNEL = 'crm_events';

// Domain events are emitted by TransactionRunner as the last step of their transaction; awaited (promisify)
// and with errors propagated, so a failed insert rolls the whole change back.
const LISTENER_OPTIONS = { promisify: true, suppressErrors: false } as const;

/** Writes every domain event to the `events` table inside the transaction of the change (transactional outbox). */
@Injectable()
export class EventLogWriter {
  private readonly lockedTransactions = new WeakSet<EntityManager>();

  @OnEvent('customer.created', LISTENER_OPTIONS)
  @OnEvent('customer.updated', LISTENER_OPTIONS)
  @OnEvent('customer.deleted', LISTENER_OPTIONS)
  @OnEvent('conversation.started', LISTENER_OPTIONS)
  @OnEvent('conversation.updated', LISTENER_OPTIONS)
  @OnEvent('message.received', LISTENER_OPTIONS)
  @OnEvent('message.sent', LISTENER_OPTIONS)
  @OnEvent('access.changed', LISTENER_OPTIONS)
  async append({ event, manager }: DomainEventEnvelope): Promise<void> {
    if (!this.lockedTransactions.has(manager)) {
      this.lockedTransactions.add(manager);
      await manager.query('SELECT pg_advisory_xact_lock($1), pg_notify($2, $3)', [EVENT_LOG_LOCK_KEY, EVENT_NOTIFY_CHANNEL, '']);
    }
    await manager.query(
      'INSERT INTO events (workspace_id, type, channel_id, conversation_id, data) VALUES ($1, $2, $3, $4, $5)',
      [event.workspaceId, WIRE_EVENT_TYPES[event.name], event.channelId, event.conversationId, JSON.stringify(event.data)],
    );
  }
}
