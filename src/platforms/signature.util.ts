import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Bytes = string | Buffer;

export function hmacSha256Hex(key: string, ...parts: Bytes[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

export function sha256Hex(...parts: Bytes[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * Constant-time comparison of two strings. Both are hashed first, so neither the content nor the length of
 * the expected value leaks through timing.
 */
export function safeEqual(expected: string, received: string | undefined): boolean {
  if (received === undefined || received.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b);
}

/** Constant-time comparison of an expected hex digest with a received one (case-insensitive, trimmed). */
export function safeEqualHex(expected: string, received: string | undefined): boolean {
  return safeEqual(expected.toLowerCase(), received?.trim().toLowerCase());
}

/** The first value of a header (Node gives arrays for repeated headers). */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
