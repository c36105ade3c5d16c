import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { WIRE_EVENT_TYPES } from '../common/domain-events.js';
import { TRANSACTION_EVENTS, type TransactionEvents } from '../database/transaction-runner.js';

/**
 * Advisory lock that orders the event log: a transaction takes it right before inserting its events and
 * holds it until commit, so ids become visible strictly in increasing order. Without it, T1 could take id 41,
 * T2 id 42, T2 commit first, and a reader resuming after 42 would never see 41.
 */
export const EVENT_LOG_LOCK_KEY = 7_230_002;
/** NOTIFY channel: a wake-up hint for the relays, never the payload (NOTIFY payloads are capped at 8000 bytes). */
export const EVENT_NOTIFY_CHANNEL = 'crm_events';

/**
 * One statement for all of a transaction's events. ORDER BY the array position makes the bigserial ids follow
 * the recording order (the causal order of the change).
 */
const INSERT_EVENTS = `
  INSERT INTO events (workspace_id, type, channel_id, conversation_id, data, user_id)
  SELECT workspace_id, type, channel_id, conversation_id, data::json, user_id
  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[])
    WITH ORDINALITY AS batch (workspace_id, type, channel_id, conversation_id, data, user_id, position)
  ORDER BY position`;

/** Writes every domain event to the `events` table inside the transaction of the change (transactional outbox). */
@Injectable()
export class EventLogWriter {
  // Registered without promisify (which would defer each call by a setImmediate): TransactionRunner awaits the
  // returned promise itself, and suppressErrors: false lets a failed insert roll the whole change back.
  @OnEvent(TRANSACTION_EVENTS, { suppressErrors: false })
  async append({ events, manager }: TransactionEvents): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1), pg_notify($2, $3)', [EVENT_LOG_LOCK_KEY, EVENT_NOTIFY_CHANNEL, '']);
    await manager.query(INSERT_EVENTS, [
      events.map((event) => event.workspaceId),
      events.map((event) => WIRE_EVENT_TYPES[event.name]),
      events.map((event) => event.channelId),
      events.map((event) => event.conversationId),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => event.userId ?? null),
    ]);
  }
}
