import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/postgres-errors.js';
import type { MessageStatus } from './entities/message.entity.js';
import type { MessageRow } from './entities/message.row.js';

export type ReceiptStatus = 'delivered' | 'read';

/** Which statuses a receipt may move forward from (never backwards). */
export const RECEIPT_FROM: Record<ReceiptStatus, MessageStatus[]> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
};

/**
 * A receipt that names a platform id no message holds yet is kept this long: the send's response (or its
 * echo) records the id within seconds; older ones name messages that are not ours (sent before the channel
 * was connected) and are dropped.
 */
export const PENDING_RECEIPT_TTL_SECONDS = 15 * 60;

/**
 * Early receipts: a delivery/read receipt can arrive (webhook) before the send's response has recorded the
 * message's platform id. Such a receipt is kept in `pending_receipts` and applied by the transaction that
 * records the id. Both sides take a transaction-scoped advisory lock on (channel, platform id) before looking,
 * so one of them always sees the other's committed row: the receipt is never lost between the two.
 */
const LOCK_KEY = `hashtextextended($1::text || ':' || id, 0)`;

/** Locks the receipt keys of these ids on the channel until the transaction ends (sorted: no lock cycles). */
export async function lockReceiptKeys(
  manager: EntityManager,
  channelId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(
    `SELECT pg_advisory_xact_lock(${LOCK_KEY}) FROM (SELECT DISTINCT id FROM unnest($2::text[]) AS id ORDER BY id) keys`,
    [channelId, ids],
  );
}

/**
 * Keeps the receipt for each id no message of the channel holds yet (call with the keys locked). A second
 * receipt for the same id keeps the furthest status. Expired receipts are dropped on the way.
 */
export async function keepUnmatchedReceipts(
  manager: EntityManager,
  channelId: string,
  ids: string[],
  status: ReceiptStatus,
): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(`DELETE FROM pending_receipts WHERE received_at < now() - make_interval(secs => $1)`, [
    PENDING_RECEIPT_TTL_SECONDS,
  ]);
  await manager.query(
    `INSERT INTO pending_receipts (channel_id, platform_message_id, status)
     SELECT $1, id, $3 FROM (SELECT DISTINCT id FROM unnest($2::text[]) AS id) ids
      WHERE NOT EXISTS (SELECT 1 FROM messages WHERE channel_id = $1 AND platform_message_id = ids.id)
        -- A part of a message still being sent in parts: the receipt applies once the message is sent.
        AND NOT EXISTS (SELECT 1 FROM message_parts p JOIN messages m ON m.id = p.message_id
                         WHERE p.channel_id = $1 AND p.platform_message_id = ids.id AND m.status <> 'pending')
     ON CONFLICT (channel_id, platform_message_id) DO UPDATE
       SET status = CASE WHEN pending_receipts.status = 'read' THEN 'read' ELSE EXCLUDED.status END,
           received_at = now()`,
    [channelId, ids, status],
  );
}

/**
 * The message has just been given its platform id in this transaction (a message sent in parts: all its
 * parts' ids): a receipt kept for one of them moves it on, the furthest one wins. Returns the message as it is
 * now (unchanged when there was no receipt or it would move it backwards).
 */
export async function applyEarlyReceipt(
  manager: EntityManager,
  message: MessageRow,
  platformMessageIds: string[] = message.platform_message_id === null ? [] : [message.platform_message_id],
): Promise<MessageRow> {
  if (platformMessageIds.length === 0) return message;
  await lockReceiptKeys(manager, message.channel_id, platformMessageIds);
  const taken = await queryRows<{ status: ReceiptStatus }>(
    manager,
    `DELETE FROM pending_receipts
      WHERE channel_id = $1 AND platform_message_id = ANY($2::text[]) AND received_at >= now() - make_interval(secs => $3)
      RETURNING status`,
    [message.channel_id, platformMessageIds, PENDING_RECEIPT_TTL_SECONDS],
  );
  const status = taken.some((receipt) => receipt.status === 'read') ? 'read' : taken[0]?.status;
  if (!status || !RECEIPT_FROM[status].includes(message.status)) return message;
  const rows = await queryRows<MessageRow>(
    manager,
    `UPDATE messages SET status = $3, updated_at = now() WHERE id = $1 AND workspace_id = $2 RETURNING *`,
    [message.id, message.workspace_id, status],
  );
  return rows[0] ?? message;
}
