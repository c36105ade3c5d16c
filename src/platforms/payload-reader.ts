import { MalformedPayloadError } from './platform-adapter.js';

/** Small readers for untyped webhook JSON: they never coerce an id through a JS number. */
export type JsonRecord = Record<string, unknown>;

const NUL = '\u0000';
/**
 * Longest platform id we store. Real ids are tens of characters; a longer one would not fit a btree index
 * entry (about 2.7 KB) and is refused as malformed (400) instead of failing the insert (500).
 */
export const MAX_ID_LENGTH = 512;
const REPLACEMENT_CHARACTER = '\ufffd';

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

/**
 * An id as the exact string the platform sent. Numbers are accepted only while they are exact (safe
 * integers); a larger number has already lost digits in JSON.parse, so it is rejected rather than stored wrong.
 */
export function optionalId(value: unknown): string | null {
  if (typeof value === 'string') {
    if (value.includes(NUL)) throw new MalformedPayloadError('an id contains a NUL character');
    if (value.length > MAX_ID_LENGTH) throw new MalformedPayloadError(`an id is longer than ${MAX_ID_LENGTH} characters`);
    return value.length > 0 ? value : null;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number') throw new MalformedPayloadError('an id was sent as an inexact JSON number');
  return null;
}

export function requireId(value: unknown, what: string): string {
  const id = optionalId(value);
  if (id === null) throw new MalformedPayloadError(`${what} is missing`);
  return id;
}

/** Text as sent, except NUL (which Postgres text cannot hold): it becomes U+FFFD. */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value.replaceAll(NUL, REPLACEMENT_CHARACTER) : null;
}

/** Epoch milliseconds (number or numeric string) → Date; null when absent or not a time. */
export function millisecondsToDate(value: unknown): Date | null {
  const milliseconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(milliseconds) || milliseconds <= 0) return null;
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A latitude/longitude sent as a number or a numeric string; '' otherwise. */
export function coordinate(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  return '';
}

/**
 * An http(s) URL as sent, or null: attachment URLs end up as links in the web console, so other schemes
 * (javascript:, data:) are never stored.
 */
export function optionalHttpUrl(value: unknown): string | null {
  const text = optionalString(value);
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? text : null;
  } catch {
    return null;
  }
}
