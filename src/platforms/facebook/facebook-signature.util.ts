import { safeEqualHex } from '../../common/safe-equal.js';
import { hmacSha256Hex, type Bytes } from '../signature.util.js';

export const FACEBOOK_SIGNATURE_HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

/** `sha256=<hex HMAC-SHA256(app secret, exact raw body)>`, as Meta sends it in X-Hub-Signature-256. */
export function facebookSignature(rawBody: Bytes, appSecret: string): string {
  return PREFIX + hmacSha256Hex(appSecret, rawBody);
}

/** Verifies over the raw bytes as received: Meta signs its \uXXXX-escaped serialisation, never re-serialise. */
export function verifyFacebookSignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (!header || !header.toLowerCase().startsWith(PREFIX)) return false;
  return safeEqualHex(hmacSha256Hex(appSecret, rawBody), header.slice(PREFIX.length));
}
