import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { sleep } from '../support/realtime-helpers.js';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { dataOf, framesOf } from './attention-helpers.js';

const AWAY_MS = 3000;
const GRACE_MS = 1000;

interface Presence {
  userId: string;
  status: string;
  since: string | null;
}

function statusCodeOf(url: string, headers: Record<string, string>): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] });
      response.destroy();
    });
    request.on('error', reject);
  });
}

describe('presence and the open-stream registry across instances', () => {
  let one: TestApp;
  let two: TestApp;
  let admin: Session;
  let agent: Session;
  let quiet: Session;

  const open = async (t: TestApp, session: Session, query = ''): Promise<SseReader> => {
    const reader = await openSse(`${t.baseUrl}/api/events/stream${query}`, session.auth);
    await reader.waitFor((frames) => frames.some((frame) => frame.event === 'connected'));
    return reader;
  };
  const changesOf = (reader: SseReader, userId: string): Presence[] =>
    framesOf(reader, 'presence_changed')
      .map((frame) => dataOf<Presence>(frame))
      .filter((change) => change.userId === userId);

  beforeAll(async () => {
    const env = {
      PRESENCE_AWAY_MS: String(AWAY_MS),
      PRESENCE_OFFLINE_GRACE_MS: String(GRACE_MS),
      // Instances count each other's streams while heartbeats are fresh (3 beats): 1 s beats survive a loaded machine.
      INSTANCE_HEARTBEAT_MS: '1000',
      SSE_MAX_CONNECTIONS_PER_USER: '2',
    };
    one = await startTestApp({ env });
    two = await startTestApp({ databaseUrl: one.databaseUrl, env });
    admin = await signupWorkspace(one);
    agent = await createUser(one, admin, 'agent');
    quiet = await createUser(one, admin, 'agent');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('online → away → online → (reconnect within grace: no flap) → offline, each announced once', async () => {
    const watcher = await open(one, admin, '?types=presence_changed');
    try {
      const first = await open(two, agent);
      await watcher.waitFor(() => changesOf(watcher, agent.user.id).length === 1, 3000);
      expect(changesOf(watcher, agent.user.id)[0]).toMatchObject({ status: 'online', since: expect.any(String) });
      expect(framesOf(watcher, 'presence_changed').every((frame) => frame.id === undefined)).toBe(true);

      const listed = await one.http().get('/api/presence').set(agent.auth).expect(200);
      const byUser = new Map((listed.body.items as Presence[]).map((item) => [item.userId, item]));
      expect(byUser.get(agent.user.id)).toMatchObject({ status: 'online', since: expect.any(String) });
      expect(byUser.get(quiet.user.id)).toEqual({ userId: quiet.user.id, status: 'offline', since: null });
      expect(byUser.size).toBe(3);

      await watcher.waitFor(() => changesOf(watcher, agent.user.id).length === 2, AWAY_MS + 3000);
      expect(changesOf(watcher, agent.user.id)[1].status).toBe('away');

      await one.http().post('/api/presence/activity').set(agent.auth).expect(204);
      await watcher.waitFor(() => changesOf(watcher, agent.user.id).length === 3, 3000);
      expect(changesOf(watcher, agent.user.id)[2].status).toBe('online');

      // Reconnect to the other instance within the grace: nothing changes.
      first.close();
      await sleep(200);
      const second = await open(one, agent);
      await sleep(GRACE_MS + 500);
      expect(changesOf(watcher, agent.user.id).map((change) => change.status)).toEqual(['online', 'away', 'online']);

      second.close();
      await watcher.waitFor(() => changesOf(watcher, agent.user.id).length === 4, GRACE_MS + 3000);
      await sleep(500);
      expect(changesOf(watcher, agent.user.id).map((change) => change.status)).toEqual(['online', 'away', 'online', 'offline']);
      const after = await two.http().get('/api/presence').set(admin.auth).expect(200);
      expect((after.body.items as Presence[]).find((item) => item.userId === agent.user.id)).toMatchObject({ status: 'offline', since: expect.any(String) });
    } finally {
      watcher.close();
    }
  });

  it('enforces SSE_MAX_CONNECTIONS_PER_USER across instances', async () => {
    const limited = await createUser(one, admin, 'agent');
    const a = await open(one, limited);
    const b = await open(two, limited);
    try {
      for (const t of [one, two]) {
        const refused = await statusCodeOf(`${t.baseUrl}/api/events/stream`, limited.auth);
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      a.close();
      await sleep(300);
      const c = await open(two, limited);
      expect(c.status).toBe(200);
      c.close();
    } finally {
      a.close();
      b.close();
    }
  });
});
