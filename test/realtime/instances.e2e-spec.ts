import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { commitCustomerCreated, logIds, sleep } from '../support/realtime-helpers.js';
import { openSse } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('several instances on one database, and a lost LISTEN connection', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Session;

  beforeAll(async () => {
    a = await startTestApp({ env: { RELAY_POLL_MS: '1000' } });
    b = await startTestApp({ databaseUrl: a.databaseUrl, env: { RELAY_POLL_MS: '1000' } });
    admin = await signupWorkspace(a);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('each instance delivers every event to its own clients, wherever it was written', async () => {
    const onA = await openSse(`${a.baseUrl}/api/events/stream`, admin.auth);
    const onB = await openSse(`${b.baseUrl}/api/events/stream`, admin.auth);
    try {
      await Promise.all([onA, onB].map((reader) => reader.waitFor((frames) => frames.length >= 1)));
      await commitCustomerCreated(a, admin.user.workspaceId, 'written on A');
      await commitCustomerCreated(b, admin.user.workspaceId, 'written on B');
      const started = Date.now();
      for (const reader of [onA, onB]) {
        await reader.waitFor(() => reader.events().length >= 2);
        expect(reader.events().map((frame) => JSON.parse(frame.data!).name)).toEqual(['written on A', 'written on B']);
      }
      // Delivered by NOTIFY wake-ups, well before the 1 s safety poll.
      expect(Date.now() - started).toBeLessThan(900);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('a client moving from one instance to the other resumes without loss or duplicate', async () => {
    const first = await openSse(`${a.baseUrl}/api/events/stream`, admin.auth);
    await first.waitFor((frames) => frames.length >= 1);
    await commitCustomerCreated(a, admin.user.workspaceId, 'm1');
    await first.waitFor(() => first.events().length >= 1);
    const lastSeen = first.events()[0].id!;
    first.close();
    await commitCustomerCreated(b, admin.user.workspaceId, 'm2');
    await commitCustomerCreated(a, admin.user.workspaceId, 'm3');
    const second = await openSse(`${b.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': lastSeen });
    try {
      await second.waitFor(() => second.events().length >= 2);
      await sleep(100);
      expect(second.events().map((frame) => JSON.parse(frame.data!).name)).toEqual(['m2', 'm3']);
    } finally {
      second.close();
    }
  });

  it('loses no event when the LISTEN connection is killed, and reports 503 while it is down', async () => {
    const reader = await openSse(`${a.baseUrl}/api/events/stream`, admin.auth);
    try {
      await reader.waitFor((frames) => frames.length >= 1);
      await a.http().get('/api/health').expect(200);
      const before = await logIds(a);
      const sawDown = (async () => {
        for (let attempt = 0; attempt < 200; attempt++) {
          const response = await a.http().get('/api/health');
          if (response.status === 503) return response.body as { error: Record<string, unknown> };
          await sleep(5);
        }
        return null;
      })();
      // Kill instance A's LISTEN connection and write while it reconnects.
      const killed = await a.app
        .get(DataSource)
        .query<Array<{ pid: number }>>(
          "SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = 'crm-inbox-relay' AND datname = current_database() AND pid <> pg_backend_pid()",
        );
      expect(killed.length).toBeGreaterThanOrEqual(1);
      const writes = Array.from({ length: 10 }, (_, index) => commitCustomerCreated(b, admin.user.workspaceId, `during outage ${index}`));
      await Promise.all(writes);
      const down = await sawDown;
      expect(down?.error).toHaveProperty('eventListener');
      const expected = (await logIds(a)).filter((id) => !before.includes(id));
      await reader.waitFor(() => reader.events().length >= expected.length, 5000);
      expect(reader.events().map((frame) => Number(frame.id))).toEqual(expected);
      // The listener is back.
      for (let attempt = 0; attempt < 100 && (await a.http().get('/api/health')).status !== 200; attempt++) await sleep(50);
      await a.http().get('/api/health').expect(200);
    } finally {
      reader.close();
    }
  });
});
