
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationError } from './errors/domain-errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
/** Cursors we hand out are ~100 characters; anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 512;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Postgres timestamptz text at microsecond precision, as cursorTimeSql renders it. */
const CURSOR_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** `?limit=` of every list (docs/api.md: 1–100, default 50). */
export class PageLimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

/** `?limit=&cursor=`: the `cursor` is the `nextCursor` of the previous page. */
export class PaginationQueryDto extends PageLimitQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A position in a list ordered by (timestamp, id). The timestamp is kept as Postgres renders it, with
 * microseconds: a JS Date would round to milliseconds and rows inside that millisecond would be skipped or
 * repeated across pages.
 */
export interface CursorPosition {
  time: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.time, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor stands for; 400 for anything that is not a cursor we handed out. */
export function decodeCursor(cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [time, id] = parsed as unknown[];
  if (
    typeof time !== 'string' ||
    typeof id !== 'string' ||
    !CURSOR_TIME_PATTERN.test(time) ||
    !UUID_PATTERN.test(id)
  ) {
    throw invalidCursor();
  }
  if (Number.isNaN(Date.parse(time))) throw invalidCursor();
  return { time, id };
}

export function pageSize(query: PageLimitQueryDto): number {
  return query.limit ?? DEFAULT_PAGE_SIZE;
}

function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not valid');
}
