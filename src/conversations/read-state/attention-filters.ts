import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hasUnreadSql, isWaitingSql } from './conversation-attention.sql.js';

/** `unread=`, `waiting=` and `q=` of GET /api/conversations. */
export interface AttentionFilters {
  unread?: boolean;
  waiting?: boolean;
  q?: string;
}

/** `%`, `_` and `\` match themselves in the search text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Narrows a query over `conversations <alias>` joined with its customer as `customer`. The caller's read point
 * parameter comes from selectCallerAttention. Text search goes through the trigram indexes on messages.content
 * and customers.name (IN over the workspace's matching messages, not a per-conversation scan).
 */
export function applyAttentionFilters<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  filters: AttentionFilters,
): SelectQueryBuilder<T> {
  if (filters.unread !== undefined) query.andWhere(filters.unread ? hasUnreadSql(alias) : `NOT ${hasUnreadSql(alias)}`);
  if (filters.waiting !== undefined) query.andWhere(filters.waiting ? isWaitingSql(alias) : `NOT ${isWaitingSql(alias)}`);
  if (filters.q !== undefined && filters.q !== '') {
    query.andWhere(
      `(customer.name ILIKE :attentionSearch OR ${alias}.id IN (SELECT searched.conversation_id FROM messages searched
          WHERE searched.workspace_id = ${alias}.workspace_id AND searched.content ILIKE :attentionSearch))`,
      { attentionSearch: likePattern(filters.q) },
    );
  }
  return query;
}
