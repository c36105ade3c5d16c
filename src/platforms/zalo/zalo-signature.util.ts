import { safeEqualHex } from '../../common/safe-equal.js';
import { sha256Hex, type Bytes } from '../signature.util.js';

export const ZALO_SIGNATURE_HEADER = 'x-zevent-signature';
const PREFIX = 'mac=';

/** `mac=<hex SHA-256(app_id + raw body + timestamp + OA secret key)>` — a plain hash, not an HMAC. */
export function zaloSignature(appId: string, rawBody: Bytes, timestamp: string, oaSecretKey: string): string {
  return PREFIX + sha256Hex(appId, rawBody, timestamp, oaSecretKey);
}

/**
 * `timestamp` is the body's own `timestamp` field (a string of epoch ms). The header is accepted with or
 * without the `mac=` prefix, case-insensitively.
 */
export function verifyZaloSignature(
  rawBody: Buffer,
  header: string | undefined,
  appId: string,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  if (!header) return false;
  const value = header.trim().toLowerCase().startsWith(PREFIX)
    ? header.trim().slice(PREFIX.length)
    : header.trim();
  return safeEqualHex(sha256Hex(appId, rawBody, timestamp, oaSecretKey), value);
}
