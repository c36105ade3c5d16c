import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

/** Typed, validated configuration. Built once at boot from the environment (see README "Configuration"). */
export interface AppConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  credentialsKey: Buffer;
  jwtExpiresInSeconds: number;
  /** Lifetime of each refresh token (REFRESH_TOKEN_TTL). */
  refreshTokenTtlSeconds: number;
  seedAdminEmail: string;
  seedAdminPassword: string | undefined;
  sseHeartbeatMs: number;
  sseRetryMs: number;
  sseMaxConnectionsPerUser: number;
  sseMaxBufferBytes: number;
  eventRetentionHours: number;
  allowSignup: boolean;
  facebookGraphUrl: string;
  zaloApiUrl: string;
  tiktokApiUrl: string;
  /** Zalo's OAuth server (token refresh). */
  zaloOauthUrl: string;
  metricsToken: string | undefined;
  /** An agent with open streams and no activity for this long is `away`. */
  presenceAwayMs: number;
  /** How long after an agent's last stream closed they become `offline`. */
  presenceOfflineGraceMs: number;
  /** How long one `viewing` / `typing` report holds. */
  activityTtlMs: number;
  /** How often each instance records its heartbeat and open streams (and expires dead instances). */
  instanceHeartbeatMs: number;
  /** How often the relay re-reads the log when no NOTIFY arrives (safety net). */
  relayPollMs: number;
  logLevel: LogLevel;
  /** Express `trust proxy`: which hops may set X-Forwarded-For (and so the client address seen by the app). */
  trustProxy: TrustProxy;
  /** Where media files are stored (local disk). */
  mediaDir: string;
  /** Largest upload or inbound download accepted, in bytes. */
  uploadMaxBytes: number;
  /** `host:port` entries inbound downloads may reach although they resolve to loopback/private addresses. */
  mediaFetchAllowHosts: string[];
  /** The server's public base URL (no trailing slash), for channels' `webhookUrl`; unset: the request's origin. */
  publicUrl: string | undefined;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What Express accepts for `trust proxy`: everything, nothing, a hop count, or addresses/subnets/names. */
export type TrustProxy = boolean | number | string[];

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const MIN_JWT_SECRET_LENGTH = 32;
const CREDENTIALS_KEY_BYTES = 32;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(name, `must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

function logLevel(env: Env, name: string, fallback: LogLevel): LogLevel {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  // Checked here because pino throws deep inside logger construction on an unknown level.
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (!level) throw new ConfigError(name, `must be one of ${LOG_LEVELS.join(', ')}, got "${env[name]}"`);
  return level;
}

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, or a subnet as address/prefix-length or IPv4 address/netmask, as Express (proxy-addr) takes them. */
function isTrustedProxyEntry(entry: string): boolean {
  if (TRUST_PROXY_NAMES.includes(entry)) return true;
  const [address, range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/** Parses TRUST_PROXY up front: Express would only fail (or silently trust nothing) at the first request. */
export function parseTrustProxy(name: string, raw: string): TrustProxy {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const invalid = entries.find((entry) => !isTrustedProxyEntry(entry));
  if (invalid !== undefined) {
    throw new ConfigError(
      name,
      `must be true, false, a hop count, or comma-separated addresses, subnets or ${TRUST_PROXY_NAMES.join('/')}; "${invalid}" is none of these`,
    );
  }
  return entries;
}

/** Parses "1h", "15m", "3600" or "2d" into seconds. */
export function parseDuration(name: string, raw: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  if (!match) throw new ConfigError(name, `must be a duration like 3600, 15m, 1h or 7d, got "${raw}"`);
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || 's'];
  if (seconds <= 0) throw new ConfigError(name, 'must be positive');
  return seconds;
}

export function parseCredentialsKey(name: string, raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== CREDENTIALS_KEY_BYTES || (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/]+=*$/.test(text))) {
    throw new ConfigError(name, 'must be 32 bytes written as 64 hex characters or as base64');
  }
  return key;
}

/** Reads a generated secret from DATA_DIR, creating it (0600) the first time. */
function generatedSecret(dataDir: string, file: string, make: () => string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(path, value + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return value;
}

/** Parses MEDIA_FETCH_ALLOW_HOSTS: a comma list of host:port. */
export function parseAllowHosts(name: string, raw: string | undefined): string[] {
  const text = raw?.trim();
  if (!text) return [];
  return text.split(',').map((entry) => {
    const value = entry.trim().toLowerCase();
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/.exec(value);
    if (!match || Number(match[2]) > 65535) throw new ConfigError(name, `must be a comma list of host:port, got "${entry.trim()}"`);
    return value;
  });
}

export function loadConfig(env: Env = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR?.trim() || './.data');
  const jwtSecret = env.JWT_SECRET ?? generatedSecret(dataDir, 'jwt-secret', () => randomBytes(48).toString('base64url'));
  if (jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  const credentialsKey = parseCredentialsKey(
    'CREDENTIALS_KEY',
    env.CREDENTIALS_KEY ?? generatedSecret(dataDir, 'credentials-key', () => randomBytes(32).toString('hex')),
  );
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  const seedAdminEmail = env.SEED_ADMIN_EMAIL?.trim() || 'admin@example.com';
  if (!/^[^@\s]+@[^@\s]+$/.test(seedAdminEmail)) throw new ConfigError('SEED_ADMIN_EMAIL', 'must be an email address');
  const seedAdminPassword = env.SEED_ADMIN_PASSWORD || undefined;
  if (seedAdminPassword !== undefined && seedAdminPassword.length < 8) {
    throw new ConfigError('SEED_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    dataDir,
    jwtSecret,
    credentialsKey,
    jwtExpiresInSeconds: parseDuration('JWT_EXPIRES_IN', env.JWT_EXPIRES_IN || '1h'),
    refreshTokenTtlSeconds: parseDuration('REFRESH_TOKEN_TTL', env.REFRESH_TOKEN_TTL || '30d'),
    seedAdminEmail,
    seedAdminPassword,
    sseHeartbeatMs: integer(env, 'SSE_HEARTBEAT_MS', 15000, 100),
    sseRetryMs: integer(env, 'SSE_RETRY_MS', 3000, 0),
    sseMaxConnectionsPerUser: integer(env, 'SSE_MAX_CONNECTIONS_PER_USER', 10, 1),
    sseMaxBufferBytes: integer(env, 'SSE_MAX_BUFFER_BYTES', 1048576, 1024),
    eventRetentionHours: integer(env, 'EVENT_RETENTION_HOURS', 72, 1),
    allowSignup: boolean(env, 'ALLOW_SIGNUP', true),
    facebookGraphUrl: url(env, 'FACEBOOK_GRAPH_URL', 'https://graph.facebook.com/v25.0'),
    zaloApiUrl: url(env, 'ZALO_API_URL', 'https://openapi.zalo.me'),
    tiktokApiUrl: url(env, 'TIKTOK_API_URL', 'https://business-api.tiktok.com'),
    zaloOauthUrl: url(env, 'ZALO_OAUTH_URL', 'https://oauth.zaloapp.com'),
    metricsToken: env.METRICS_TOKEN || undefined,
    relayPollMs: integer(env, 'RELAY_POLL_MS', 1000, 10, 1000),
    presenceAwayMs: integer(env, 'PRESENCE_AWAY_MS', 300000, 100),
    presenceOfflineGraceMs: integer(env, 'PRESENCE_OFFLINE_GRACE_MS', 20000, 0),
    activityTtlMs: integer(env, 'ACTIVITY_TTL_MS', 6000, 100),
    instanceHeartbeatMs: integer(env, 'INSTANCE_HEARTBEAT_MS', 5000, 100),
    logLevel: logLevel(env, 'LOG_LEVEL', 'info'),
    trustProxy: parseTrustProxy('TRUST_PROXY', env.TRUST_PROXY?.trim() || 'loopback'),
    mediaDir: resolve(env.MEDIA_DIR?.trim() || join(dataDir, 'media')),
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', 26214400, 1),
    mediaFetchAllowHosts: parseAllowHosts('MEDIA_FETCH_ALLOW_HOSTS', env.MEDIA_FETCH_ALLOW_HOSTS),
    publicUrl: env.PUBLIC_URL?.trim() ? url(env, 'PUBLIC_URL', '') : undefined,
  };
}
