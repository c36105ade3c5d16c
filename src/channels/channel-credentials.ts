import { PLATFORMS, type Platform } from './entities/channel.entity.js';
import type { ChannelCredentials, CredentialsByPlatform } from './credentials-cipher.js';

/** A platform secret or token is far shorter; a longer value is a mistake, not a credential. */
export const MAX_CREDENTIAL_VALUE_LENGTH = 4096;

/** The token expiry an admin may give with the credentials; stored as the channel's tokenExpiresAt. */
export const ACCESS_TOKEN_EXPIRES_AT = 'accessTokenExpiresAt';

const CREDENTIAL_FIELDS: { [P in Platform]: ReadonlyArray<keyof CredentialsByPlatform[P] & string> } = {
  facebook: ['appSecret', 'pageAccessToken', 'verifyToken'],
  zalo: ['appId', 'oaSecretKey', 'accessToken'],
  tiktok: ['appSecret', 'accessToken'],
};

/** What a channel needs to refresh its access token by itself (the rest of the optional fields). */
const REFRESH_FIELDS: { [P in Platform]: ReadonlyArray<keyof CredentialsByPlatform[P] & string> } = {
  facebook: [],
  zalo: ['appSecret', 'refreshToken'],
  tiktok: ['appId', 'refreshToken'],
};

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

export function credentialFields(platform: Platform): readonly string[] {
  return CREDENTIAL_FIELDS[platform];
}

function optionalFields(platform: Platform): readonly string[] {
  return platform === 'facebook' ? [] : [...REFRESH_FIELDS[platform], ACCESS_TOKEN_EXPIRES_AT];
}

/** Whether stored credentials hold everything a token refresh needs. */
export function canRefreshToken(platform: Platform, credentials: object): boolean {
  const record = credentials as Record<string, unknown>;
  const fields = REFRESH_FIELDS[platform];
  return fields.length > 0 && fields.every((field) => typeof record[field] === 'string' && record[field] !== '');
}

function stringProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return `credentials.${field} must be a non-empty string`;
  if (value.length > MAX_CREDENTIAL_VALUE_LENGTH)
    return `credentials.${field} must be at most ${MAX_CREDENTIAL_VALUE_LENGTH} characters`;
  return null;
}

/**
 * Every problem of a credentials object for this platform, naming fields only: a message never repeats a
 * value, since values are secrets.
 */
export function credentialProblems(platform: Platform, value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return ['credentials must be an object'];
  const fields = credentialFields(platform);
  const optional = optionalFields(platform);
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of fields) {
    const fieldValue = record[field];
    if (fieldValue === undefined || fieldValue === null) {
      problems.push(`credentials.${field} is required for ${platform}`);
    } else {
      const problem = stringProblem(field, fieldValue);
      if (problem) problems.push(problem);
    }
  }
  for (const field of optional) {
    const fieldValue = record[field];
    if (fieldValue === undefined) continue;
    const problem = stringProblem(field, fieldValue);
    if (problem) problems.push(problem);
    else if (field === ACCESS_TOKEN_EXPIRES_AT && parseIsoTime(fieldValue as string) === null)
      problems.push(`credentials.${field} must be an ISO 8601 date-time`);
  }
  for (const key of Object.keys(record)) {
    if (!fields.includes(key) && !optional.includes(key))
      problems.push(`credentials.${key} should not exist for ${platform}`);
  }
  return problems;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseIsoTime(value: string): Date | null {
  if (!ISO_DATE_TIME.test(value.trim())) return null;
  const time = new Date(value.trim());
  return Number.isNaN(time.getTime()) ? null : time;
}

/** The credentials to store (this platform's fields only) and the token expiry given with them. */
export function toPlatformCredentials<P extends Platform>(
  platform: P,
  value: Record<string, unknown>,
): CredentialsByPlatform[P] {
  const clean: Record<string, string> = {};
  for (const field of credentialFields(platform)) clean[field] = String(value[field]);
  for (const field of REFRESH_FIELDS[platform])
    if (typeof value[field] === 'string') clean[field] = value[field];
  return clean as unknown as CredentialsByPlatform[P];
}

/** `accessTokenExpiresAt` of checked credentials, or null when not given. */
export function givenTokenExpiry(value: Record<string, unknown>): Date | null {
  const given = value[ACCESS_TOKEN_EXPIRES_AT];
  return typeof given === 'string' ? parseIsoTime(given) : null;
}

/** The token the platform's send API takes. */
export function accessTokenOf(credentials: ChannelCredentials): string {
  return 'pageAccessToken' in credentials ? credentials.pageAccessToken : credentials.accessToken;
}
