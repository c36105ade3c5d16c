import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { CallerAttention, LastMessageResponse, SharedAttention } from './conversation-attention.view.js';

/**
 * SQL for the attention fields, as correlated subqueries of a query over `conversations <alias>`, so a page of
 * conversations gets them in its one query (each subquery walks messages_conversation_stored_order_idx).
 * Stored order (messages.stored_order) is the conversation's message order: read points and waiting compare it.
 */

const ISO_MILLISECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The caller's read point (0: never read). `:attentionUserId` is the caller. */
function readPointSql(alias: string): string {
  return `COALESCE((SELECT read_point.last_read_order FROM conversation_reads read_point
            WHERE read_point.user_id = :attentionUserId AND read_point.conversation_id = ${alias}.id), 0)`;
}

/** The newest agent message that did not fail (page echoes are agent messages too). */
function lastReplyOrderSql(alias: string): string {
  return `COALESCE((SELECT max(reply.stored_order) FROM messages reply
            WHERE reply.conversation_id = ${alias}.id AND reply.sender = 'agent' AND reply.status <> 'failed'), 0)`;
}

/** Customer messages stored after `afterOrderSql`, as `FROM … WHERE …` for a count or an EXISTS. */
function customerMessagesAfterSql(alias: string, afterOrderSql: string): string {
  return `FROM messages customer_message
            WHERE customer_message.conversation_id = ${alias}.id AND customer_message.sender = 'customer'
              AND customer_message.stored_order > ${afterOrderSql}`;
}

export function unreadCountSql(alias: string): string {
  return `(SELECT count(*)::int ${customerMessagesAfterSql(alias, readPointSql(alias))})`;
}

export function hasUnreadSql(alias: string): string {
  return `EXISTS (SELECT 1 ${customerMessagesAfterSql(alias, readPointSql(alias))})`;
}

/** The oldest customer message no agent has answered since. */
export function waitingSinceSql(alias: string): string {
  return `(SELECT min(customer_message.sent_at) ${customerMessagesAfterSql(alias, lastReplyOrderSql(alias))})`;
}

export function isWaitingSql(alias: string): string {
  return `EXISTS (SELECT 1 ${customerMessagesAfterSql(alias, lastReplyOrderSql(alias))})`;
}

function lastMessageSql(alias: string): string {
  return `(SELECT json_build_object('id', newest.id, 'sender', newest.sender, 'content', left(newest.content, 200),
                  'sentAt', to_char(newest.sent_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}),
                  'hasAttachments', jsonb_array_length(newest.attachments) > 0)
             FROM messages newest WHERE newest.conversation_id = ${alias}.id
            ORDER BY newest.stored_order DESC LIMIT 1)`;
}

const LAST_MESSAGE = 'attention_last_message';
const WAITING_SINCE = 'attention_waiting_since';
const UNREAD_COUNT = 'attention_unread_count';

/** Adds the fields every caller shares. */
export function selectSharedAttention<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, alias: string): SelectQueryBuilder<T> {
  return query.addSelect(lastMessageSql(alias), LAST_MESSAGE).addSelect(waitingSinceSql(alias), WAITING_SINCE);
}

/** Adds every attention field as `userId` sees it. */
export function selectCallerAttention<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  userId: string,
): SelectQueryBuilder<T> {
  return selectSharedAttention(query, alias)
    .addSelect(unreadCountSql(alias), UNREAD_COUNT)
    .setParameter('attentionUserId', userId);
}

export function sharedAttentionFromRaw(raw: Record<string, unknown>): SharedAttention {
  const waitingSince = raw[WAITING_SINCE];
  return {
    lastMessage: (raw[LAST_MESSAGE] as LastMessageResponse | null) ?? null,
    waitingSince: waitingSince == null ? null : new Date(waitingSince as string | Date).toISOString(),
  };
}

export function callerAttentionFromRaw(raw: Record<string, unknown>): CallerAttention {
  return { ...sharedAttentionFromRaw(raw), unreadCount: Number(raw[UNREAD_COUNT] ?? 0) };
}
