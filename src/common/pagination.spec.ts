import { describe, expect, it } from '@jest/globals';
import { DOMAIN_ERROR_STATUS, ValidationError } from './errors/domain-errors.js';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { decodeCursor, encodeCursor, pageSize, PaginationQueryDto } from './pagination.js';

const position = { time: '2026-11-26T12:34:56.123456Z', id: '0b7e4c1a-3f2d-4e5b-8a9c-1d2e3f4a5b6c' };

function validate(query: Record<string, string>): string[] {
  const dto = plainToInstance(PaginationQueryDto, query);
  return validateSync(dto).flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('cursor encoding', () => {
  it('round-trips a position with its microseconds, as an opaque url-safe string', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['not base64 json', 'garbage!'],
    ['json that is not a pair', Buffer.from(JSON.stringify({ time: position.time })).toString('base64url')],
    ['a time without microseconds', encodeCursor({ ...position, time: '2026-11-26T12:34:56.123Z' })],
    ['an impossible date', encodeCursor({ ...position, time: '2026-13-45T12:34:56.123456Z' })],
    ['an id that is not a uuid', encodeCursor({ ...position, id: "1' OR '1'='1" })],
    ['an empty string', ''],
  ])('rejects %s with 400', (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
    expect(DOMAIN_ERROR_STATUS.validation).toBe(400);
  });
});

describe('page limit', () => {
  it('accepts 1 to 100 and defaults to 50', () => {
    expect(validate({ limit: '1' })).toEqual([]);
    expect(validate({ limit: '100' })).toEqual([]);
    expect(pageSize(plainToInstance(PaginationQueryDto, { limit: '7' }))).toBe(7);
    expect(pageSize(plainToInstance(PaginationQueryDto, {}))).toBe(50);
  });

  it.each(['0', '101', '-1', '2.5', 'ten', ''])('rejects limit=%s', (limit) => {
    expect(validate({ limit })).not.toEqual([]);
  });
});
