import { PLATFORMS, type Platform } from './entities/channel.entity.js';
import type { CredentialsByPlatform } from './credentials-cipher.js';

/** A platform secret or token is far shorter; a longer value is a mistake, not a credential. */
export const MAX_CREDENTIAL_VALUE_LENGTH = 4096;

const CREDENTIAL_FIELDS: { [P in Platform]: ReadonlyArray<keyof CredentialsByPlatform[P] & string> } = {
  facebook: ['appSecret', 'pageAccessToken', 'verifyToken'],
  zalo: ['appId', 'oaSecretKey', 'accessToken'],
  tiktok: ['appSecret', 'accessToken'],
};

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

export function credentialFields(platform: Platform): readonly string[] {
  return CREDENTIAL_FIELDS[platform];
}

/**
 * Every problem of a credentials object for this platform, naming fields only: a message never repeats a
 * value, since values are secrets.
 */
export function credentialProblems(platform: Platform, value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return ['credentials must be an object'];
  const fields = credentialFields(platform);
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of fields) {
    const fieldValue = record[field];
    if (fieldValue === undefined || fieldValue === null) {
      problems.push(`credentials.${field} is required for ${platform}`);
    } else if (typeof fieldValue !== 'string' || fieldValue.trim() === '') {
      problems.push(`credentials.${field} must be a non-empty string`);
    } else if (fieldValue.length > MAX_CREDENTIAL_VALUE_LENGTH) {
      problems.push(`credentials.${field} must be at most ${MAX_CREDENTIAL_VALUE_LENGTH} characters`);
    }
  }
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) problems.push(`credentials.${key} should not exist for ${platform}`);
  }
  return problems;
}

/** The credentials with exactly this platform's fields; call only once credentialProblems found none. */
export function toPlatformCredentials<P extends Platform>(
  platform: P,
  value: Record<string, unknown>,
): CredentialsByPlatform[P] {
  const clean: Record<string, string> = {};
  for (const field of credentialFields(platform)) clean[field] = String(value[field]);
  return clean as unknown as CredentialsByPlatform[P];
}
