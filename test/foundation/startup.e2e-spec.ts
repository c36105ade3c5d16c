import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/app-config.js';
import { migrations } from '../../migrations/index.js';
import { createTestDatabase } from '../support/test-database.js';
import { startTestApp } from '../support/test-app.js';

describe('startup', () => {
  it('starts on an embedded PostgreSQL in DATA_DIR, twice on the same directory, seeding the admin once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-startup-'));
    chmodSync(dataDir, 0o755);
    const env = { DATA_DIR: dataDir, SEED_ADMIN_PASSWORD: 'first-admin-password', LOG_LEVEL: 'silent' };
    for (const round of [1, 2]) {
      const app = await createApp(loadConfig(env));
      await app.listen(0, '127.0.0.1');
      try {
        const http = request(app.getHttpServer());
        await http.get('/api/health').expect(200);
        const login = await http.post('/api/auth/login').send({ email: 'admin@example.com', password: 'first-admin-password' }).expect(200);
        expect(login.body.user.role).toBe('admin');
        const users = await app.get(DataSource).query<Array<{ count: string }>>('SELECT count(*) AS count FROM users');
        expect([round, Number(users[0].count)]).toEqual([round, 1]);
        const migrations = await app.get(DataSource).query<Array<{ name: string }>>('SELECT name FROM migrations');
        expect(migrations.length).toBeGreaterThanOrEqual(1);
      } finally {
        await app.close();
      }
    }
  }, 60_000);

  it('applies every migration on an empty database and serves the OpenAPI document', async () => {
    const t = await startTestApp();
    try {
      const tables = await t.app
        .get(DataSource)
        .query<Array<{ table_name: string }>>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['workspaces', 'users', 'channels', 'channel_members', 'customers', 'customer_identities', 'conversations', 'messages', 'events', 'stream_tickets', 'event_cursors']),
      );
      const pending = await t.app.get(DataSource).showMigrations();
      expect(pending).toBe(false);
      const docs = await t.http().get('/api/docs/openapi.json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/events/stream', '/api/events/ticket', '/api/events/ack', '/api/events', '/api/health', '/api/metrics']));
    } finally {
      await t.close();
    }
  });

  it('brings two instances booting together on one empty database up healthy, applying the schema once', async () => {
    const databaseUrl = await createTestDatabase();
    const instances = await Promise.allSettled([startTestApp({ databaseUrl }), startTestApp({ databaseUrl })]);
    const started = instances.flatMap((instance) => (instance.status === 'fulfilled' ? [instance.value] : []));
    try {
      expect(instances.map((instance) => (instance.status === 'rejected' ? String(instance.reason) : 'up'))).toEqual(['up', 'up']);
      for (const t of started) await t.http().get('/api/health').expect(200);
      const applied = await started[0].app.get(DataSource).query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY id');
      expect(applied.map((row) => row.name)).toEqual(migrations.map((migration) => migration.name));
      const locks = await started[0].app
        .get(DataSource)
        .query<Array<{ count: string }>>(
          "SELECT count(*) AS count FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        );
      expect(Number(locks[0].count)).toBe(0); // released once the migrations are done
    } finally {
      await Promise.all(started.map((t) => t.close()));
    }
  });

  it('protects /api/metrics with METRICS_TOKEN when set and exposes the realtime metrics', async () => {
    const t = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-value' } });
    try {
      await t.http().get('/api/metrics').expect(401);
      await t.http().get('/api/metrics').set('Authorization', 'Bearer wrong').expect(401);
      const metrics = await t.http().get('/api/metrics').set('Authorization', 'Bearer metrics-token-value').expect(200);
      for (const name of ['crm_sse_open_streams', 'crm_sse_events_delivered_total', 'crm_event_delivery_latency_seconds', 'crm_sse_slow_consumer_disconnects_total', 'crm_event_relay_lag_seconds', 'process_cpu_user_seconds_total']) {
        expect(metrics.text).toContain(name);
      }
    } finally {
      await t.close();
    }
  });
});
