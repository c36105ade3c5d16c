import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, LOG_LEVELS, loadConfig, parseDuration, parseTrustProxy } from './app-config.js';

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'crm-config-'));
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: freshDir() });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      jwtExpiresInSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 86400,
      seedAdminEmail: 'admin@example.com',
      sseHeartbeatMs: 15000,
      sseRetryMs: 3000,
      sseMaxConnectionsPerUser: 10,
      sseMaxBufferBytes: 1048576,
      eventRetentionHours: 72,
      allowSignup: true,
      metricsToken: undefined,
      logLevel: 'info',
      trustProxy: ['loopback'],
      publicUrl: undefined,
    });
    expect(config.credentialsKey).toHaveLength(32);
  });

  it('generates JWT_SECRET and CREDENTIALS_KEY once into DATA_DIR with 0600 and reuses them', () => {
    const dir = freshDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.credentialsKey.equals(first.credentialsKey)).toBe(true);
    for (const file of ['jwt-secret', 'credentials-key']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
  });

  it('accepts CREDENTIALS_KEY as 64 hex characters or base64 of 32 bytes', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ DATA_DIR: freshDir(), CREDENTIALS_KEY: hex }).credentialsKey.toString('hex')).toBe(hex);
    const base64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ DATA_DIR: freshDir(), CREDENTIALS_KEY: base64 }).credentialsKey).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['JWT_SECRET', 'short'],
    ['CREDENTIALS_KEY', 'abcd'],
    ['CREDENTIALS_KEY', 'z'.repeat(64)],
    ['JWT_EXPIRES_IN', 'forever'],
    ['REFRESH_TOKEN_TTL', 'a month'],
    ['REFRESH_TOKEN_TTL', '0'],
    ['SSE_HEARTBEAT_MS', '-5'],
    ['SSE_MAX_CONNECTIONS_PER_USER', '0'],
    ['EVENT_RETENTION_HOURS', '1.5'],
    ['ALLOW_SIGNUP', 'maybe'],
    ['FACEBOOK_GRAPH_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://x'],
    ['SEED_ADMIN_PASSWORD', 'short'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'warning'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback,not-an-address'],
    ['TRUST_PROXY', '-1'],
    ['PUBLIC_URL', 'crm.example.com'],
    ['PUBLIC_URL', 'ftp://crm.example.com'],
  ])('stops with a message naming %s for %j', (variable, value) => {
    const attempt = () => loadConfig({ DATA_DIR: freshDir(), [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(variable);
  });

  it('accepts every pino level for LOG_LEVEL, in any case', () => {
    for (const level of LOG_LEVELS) {
      expect(loadConfig({ DATA_DIR: freshDir(), LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
    }
  });

  it('parses TRUST_PROXY the way Express reads trust proxy', () => {
    expect(loadConfig({ DATA_DIR: freshDir(), TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseTrustProxy('X', 'true')).toBe(true);
    expect(parseTrustProxy('X', 'FALSE')).toBe(false);
    expect(parseTrustProxy('X', '0')).toBe(0);
    expect(parseTrustProxy('X', 'loopback, 10.0.0.0/8,192.168.1.0/255.255.255.0, fd00::/8,203.0.113.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.0/255.255.255.0',
      'fd00::/8',
      '203.0.113.7',
    ]);
    expect(parseTrustProxy('X', 'linklocal,uniquelocal')).toEqual(['linklocal', 'uniquelocal']);
    expect(() => parseTrustProxy('X', 'fd00::/255.0.0.0')).toThrow('X');
    expect(() => parseTrustProxy('X', '10.0.0.1/8/8')).toThrow('X');
  });

  it('takes PUBLIC_URL without its trailing slashes', () => {
    expect(loadConfig({ DATA_DIR: freshDir(), PUBLIC_URL: 'https://crm.example.com/inbox/' }).publicUrl).toBe(
      'https://crm.example.com/inbox',
    );
    expect(loadConfig({ DATA_DIR: freshDir(), PUBLIC_URL: '  ' }).publicUrl).toBeUndefined();
  });

  it('parses durations', () => {
    expect(parseDuration('X', '90')).toBe(90);
    expect(parseDuration('X', '15m')).toBe(900);
    expect(parseDuration('X', '2h')).toBe(7200);
    expect(parseDuration('X', '1d')).toBe(86400);
    expect(() => parseDuration('X', '0')).toThrow('X');
  });
});
