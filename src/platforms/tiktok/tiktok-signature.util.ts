import { safeEqualHex } from '../../common/safe-equal.js';
import { hmacSha256Hex, type Bytes } from '../signature.util.js';

export const TIKTOK_SIGNATURE_HEADER = 'tiktok-signature';
/** TikTok's own sample allows 5 s, but retries reuse the same `t`; 300 s keeps retries acceptable. */
export const TIKTOK_SIGNATURE_TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,s=<hex HMAC-SHA256(app secret, "<t>.<raw body>")>`. */
export function tiktokSignature(rawBody: Bytes, appSecret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},s=${hmacSha256Hex(appSecret, `${timestampSeconds}.`, rawBody)}`;
}

/** Reads `t` and `s` by name (not position); rejects a `t` further than the tolerance from now, either way. */
export function verifyTiktokSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
  now: Date,
): boolean {
  if (!header) return false;
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0)
      parts.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }
  const timestamp = parts.get('t');
  const signature = parts.get('s');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  const valid = safeEqualHex(hmacSha256Hex(appSecret, `${timestamp}.`, rawBody), signature);
  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  return valid && skewSeconds <= TIKTOK_SIGNATURE_TOLERANCE_SECONDS;
}
