import type { AppConfig } from '../../config/app-config.js';
import { postForm, postJson, redactSecrets, SEND_TIMEOUT_MS, type PlatformResponse } from '../../platforms/platform-http.js';
import type { TiktokCredentials, ZaloCredentials } from '../credentials-cipher.js';

/** What a token endpoint answered: new tokens, a refusal (the refresh token is spent or revoked), or no answer. */
export type RefreshOutcome =
  | { kind: 'refreshed'; accessToken: string; refreshToken: string; expiresInSeconds: number | null }
  | { kind: 'refused'; reason: string }
  | { kind: 'unavailable'; reason: string };

const MAX_REASON_LENGTH = 300;

/** Zalo: `POST {ZALO_OAUTH_URL}/v4/oa/access_token`, form fields, the App Secret Key in `secret_key`. */
export async function refreshZaloToken(config: AppConfig, credentials: ZaloCredentials): Promise<RefreshOutcome> {
  const secrets = secretsOf(credentials);
  const response = await postForm({
    url: `${config.zaloOauthUrl}/v4/oa/access_token`,
    headers: { secret_key: credentials.appSecret ?? '' },
    body: {
      refresh_token: credentials.refreshToken ?? '',
      app_id: credentials.appId,
      grant_type: 'refresh_token',
    },
    secrets,
    timeoutMs: SEND_TIMEOUT_MS,
  });
  const unavailable = unavailableOutcome('Zalo', response);
  if (unavailable || response.kind !== 'response') return unavailable ?? noAnswer('Zalo');
  const body = record(response.body);
  const code = toNumber(body.error);
  if (code !== null && code !== 0)
    return refused('Zalo', `error ${code}${describe(body.error_description ?? body.message ?? body.error_name)}`, secrets);
  return tokensOf('Zalo', body, response.status);
}

/** TikTok: `POST {TIKTOK_API_URL}/open_api/v1.3/tt_user/oauth2/refresh_token/`, JSON with the client key and secret. */
export async function refreshTiktokToken(
  config: AppConfig,
  credentials: TiktokCredentials,
): Promise<RefreshOutcome> {
  const secrets = secretsOf(credentials);
  const response = await postJson({
    url: `${config.tiktokApiUrl}/open_api/v1.3/tt_user/oauth2/refresh_token/`,
    headers: {},
    body: {
      client_id: credentials.appId,
      client_secret: credentials.appSecret,
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
    },
    secrets,
  });
  const unavailable = unavailableOutcome('TikTok', response);
  if (unavailable || response.kind !== 'response') return unavailable ?? noAnswer('TikTok');
  const body = record(response.body);
  const code = toNumber(body.code);
  if (code !== null && code !== 0) return refused('TikTok', `code ${code}${describe(body.message)}`, secrets);
  return tokensOf('TikTok', record(body.data), response.status);
}

function secretsOf(credentials: object): string[] {
  return Object.values(credentials).filter((value): value is string => typeof value === 'string');
}

/** Timeouts, network failures and 5xx/429 answers are worth another try later. */
function unavailableOutcome(platform: string, response: PlatformResponse): RefreshOutcome | null {
  if (response.kind === 'network')
    return { kind: 'unavailable', reason: `${platform} token endpoint: ${response.error}` };
  if (response.status >= 500 || response.status === 429)
    return { kind: 'unavailable', reason: `${platform} token endpoint answered HTTP ${response.status}` };
  return null;
}

function noAnswer(platform: string): RefreshOutcome {
  return { kind: 'unavailable', reason: `${platform} token endpoint did not answer` };
}

function refused(platform: string, detail: string, secrets: string[]): RefreshOutcome {
  const reason = `${platform} refused the token refresh (${detail}): reconnect the channel with new credentials`;
  return { kind: 'refused', reason: redactSecrets(reason, secrets).slice(0, MAX_REASON_LENGTH) };
}

function tokensOf(platform: string, data: Record<string, unknown>, status: number): RefreshOutcome {
  const { access_token: accessToken, refresh_token: refreshToken } = data;
  if (typeof accessToken === 'string' && accessToken && typeof refreshToken === 'string' && refreshToken)
    return { kind: 'refreshed', accessToken, refreshToken, expiresInSeconds: toNumber(data.expires_in) };
  return { kind: 'unavailable', reason: `${platform} token endpoint gave no tokens (HTTP ${status})` };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A number, or a numeric string (Zalo sends `expires_in` as either). */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  return null;
}

function describe(value: unknown): string {
  return typeof value === 'string' && value.trim() ? `: ${value.trim()}` : '';
}
