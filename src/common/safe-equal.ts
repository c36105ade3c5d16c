import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of two strings (webhook signatures and tokens, the metrics bearer token, password
 * hashes). Both are hashed first, so neither the content nor the length of the expected value leaks through
 * timing; an absent or empty received value never matches.
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
