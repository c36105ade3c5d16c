import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/test-app.js';

const READY_TIMEOUT_MS = 10_000;

async function waitForStatus(t: TestApp, path: string, status: number): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const response = await t.http().get(path);
    if (response.status === status || Date.now() > deadline) return { status: response.status, body: response.body };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers readiness and liveness without a token while everything is up', async () => {
    const ready = await t.http().get('/api/health').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const live = await t.http().get('/api/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok' });
  });

  it('keeps liveness at 200 while the database is unreachable and readiness answers 503', async () => {
    const databaseName = new URL(t.databaseUrl).pathname.slice(1);
    const serverUrl = new URL(t.databaseUrl);
    serverUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    try {
      // Refuse new connections to the app's database and drop its open ones: every query of the app fails.
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      const notReady = await waitForStatus(t, '/api/health', 503);
      expect(notReady).toMatchObject({ status: 503, body: { status: 'error', error: { database: { status: 'down' } } } });
      const live = await t.http().get('/api/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok' });
    } finally {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect((await waitForStatus(t, '/api/health', 200)).status).toBe(200);
  });
});
