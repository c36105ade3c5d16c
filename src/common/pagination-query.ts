import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from './pagination.js';

const CURSOR_TIME_COLUMN = 'keyset_cursor_time';

/** Which (timestamp, id) key orders a list, newest first. Column names are SQL names of `alias`. */
export interface KeysetOrder {
  alias: string;
  timeColumn: string;
}

/** The timestamp as UTC text with all six fractional digits Postgres keeps (see CursorPosition). */
function cursorTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Keyset pagination, newest first: the page after `cursor` (rows strictly older in (time, id) order) and the
 * cursor of the page after it. Rows inserted while a client pages are newer than every cursor it holds, so
 * nothing is skipped or repeated. The query must select one row per entity (no to-many joins).
 */
export async function fetchNewestFirst<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: KeysetOrder,
  limit: number,
  cursor?: string,
): Promise<Page<T>> {
  const { items, nextCursor } = await fetchNewestFirstWithRaw(query, order, limit, cursor);
  return { items, nextCursor };
}

/** As fetchNewestFirst, with each entity's raw row (for columns added with addSelect), index for index. */
export async function fetchNewestFirstWithRaw<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: KeysetOrder,
  limit: number,
  cursor?: string,
): Promise<Page<T> & { raw: Array<Record<string, unknown>> }> {
  const time = `${order.alias}.${order.timeColumn}`;
  const id = `${order.alias}.id`;
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    query.andWhere(`(${time}, ${id}) < (CAST(:keysetTime AS timestamptz), CAST(:keysetId AS uuid))`, {
      keysetTime: position.time,
      keysetId: position.id,
    });
  }
  query
    .addSelect(cursorTimeSql(time), CURSOR_TIME_COLUMN)
    .orderBy(time, 'DESC')
    .addOrderBy(id, 'DESC')
    .limit(limit + 1);
  const { entities, raw } = await query.getRawAndEntities<Record<string, unknown>>();
  if (entities.length !== raw.length) throw new Error('fetchNewestFirst needs one row per entity');
  if (entities.length <= limit) return { items: entities, raw, nextCursor: null };
  const last = raw[limit - 1];
  return {
    items: entities.slice(0, limit),
    raw: raw.slice(0, limit),
    nextCursor: encodeCursor({
      time: String(last[CURSOR_TIME_COLUMN]),
      id: String(last[`${order.alias}_id`]),
    }),
  };
}
