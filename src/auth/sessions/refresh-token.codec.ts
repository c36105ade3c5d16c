import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: guessing one is out of reach, so a plain sha256 (no salt, no stretching) is enough to store it. */
const REFRESH_TOKEN_BYTES = 32;

export function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
