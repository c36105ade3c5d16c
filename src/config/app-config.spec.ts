import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseDuration } from './app-config.js';

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
      seedAdminEmail: 'admin@example.com',
      sseHeartbeatMs: 15000,
      sseRetryMs: 3000,
      sseMaxConnectionsPerUser: 10,
      sseMaxBufferBytes: 1048576,
      eventRetentionHours: 72,
      allowSignup: true,
      metricsToken: undefined,
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
    ['SSE_HEARTBEAT_MS', '-5'],
    ['SSE_MAX_CONNECTIONS_PER_USER', '0'],
    ['EVENT_RETENTION_HOURS', '1.5'],
    ['ALLOW_SIGNUP', 'maybe'],
    ['FACEBOOK_GRAPH_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://x'],
    ['SEED_ADMIN_PASSWORD', 'short'],
  ])('stops with a message naming %s for %j', (variable, value) => {
    const attempt = () => loadConfig({ DATA_DIR: freshDir(), [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(variable);
  });

  it('parses durations', () => {
    expect(parseDuration('X', '90')).toBe(90);
    expect(parseDuration('X', '15m')).toBe(900);
    expect(parseDuration('X', '2h')).toBe(7200);
    expect(parseDuration('X', '1d')).toBe(86400);
    expect(() => parseDuration('X', '0')).toThrow('X');
  });
});
