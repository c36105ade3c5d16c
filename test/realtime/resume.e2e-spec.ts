import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { EventRetentionService } from '../../src/realtime/event-retention.service.js';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { commitCustomerCreated, logIds, sleep } from '../support/realtime-helpers.js';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function eventIds(reader: SseReader): number[] {
  return reader.events().map((frame) => Number(frame.id));
}

describe('resume, resync and catch-up', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signupWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  async function produce(count: number, prefix: string): Promise<void> {
    for (let index = 0; index < count; index++) await commitCustomerCreated(t, admin.user.workspaceId, `${prefix}${index}`);
  }

  it('resumes from the Last-Event-ID header, the lastEventId query and the clientId cursor', async () => {
    await produce(5, 'r');
    const ids = await logIds(t);
    const from = ids[1];
    const expected = ids.filter((id) => id > from);

    const byHeader = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': String(from) });
    const byQuery = await openSse(`${t.baseUrl}/api/events/stream?lastEventId=${from}`, admin.auth);
    // The header wins over the query parameter.
    const both = await openSse(`${t.baseUrl}/api/events/stream?lastEventId=0`, { ...admin.auth, 'Last-Event-ID': String(from) });
    await t.http().post('/api/events/ack').set(admin.auth).send({ clientId: 'tab-1', lastEventId: String(from) }).expect(204);
    const byClient = await openSse(`${t.baseUrl}/api/events/stream?clientId=tab-1`, admin.auth);
    const readers = [byHeader, byQuery, both, byClient];
    try {
      for (const reader of readers) {
        await reader.waitFor(() => reader.events().length >= expected.length);
        expect(eventIds(reader)).toEqual(expected);
        expect(JSON.parse(reader.frames[0].data!).lastEventId).toBe(String(from));
      }
    } finally {
      readers.forEach((reader) => reader.close());
    }
  });

  it('switches from replay to live with no gap and no duplicate while events are being produced', async () => {
    await produce(30, 'pre');
    const start = (await logIds(t))[0];
    const producing = produce(60, 'live');
    await sleep(20);
    const readers = await Promise.all(
      [0, 1, 2, 3].map(async (delay) => {
        await sleep(delay * 25);
        return openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': String(start) });
      }),
    );
    await producing;
    const all = (await logIds(t)).filter((id) => id > start);
    for (const reader of readers) {
      await reader.waitFor(() => reader.events().length >= all.length);
      await sleep(50);
      expect(eventIds(reader)).toEqual(all);
      reader.close();
    }
  });

  it('acks only move a cursor forward and validate their input', async () => {
    const ids = await logIds(t);
    await t.http().post('/api/events/ack').set(admin.auth).send({ clientId: 'c2', lastEventId: String(ids[3]) }).expect(204);
    await t.http().post('/api/events/ack').set(admin.auth).send({ clientId: 'c2', lastEventId: String(ids[1]) }).expect(204);
    const reader = await openSse(`${t.baseUrl}/api/events/stream?clientId=c2`, admin.auth);
    await reader.waitFor((frames) => frames.length >= 1);
    expect(JSON.parse(reader.frames[0].data!).lastEventId).toBe(String(ids[3]));
    reader.close();
    await t.http().post('/api/events/ack').set(admin.auth).send({ clientId: 'c2', lastEventId: 'abc' }).expect(400);
    await t.http().post('/api/events/ack').set(admin.auth).send({ clientId: 'c2', lastEventId: '999999999' }).expect(400);
    await t.http().post('/api/events/ack').set(admin.auth).send({ lastEventId: '1' }).expect(400);
    await t.http().post('/api/events/ack').send({ clientId: 'c2', lastEventId: '1' }).expect(401);
  });

  it('sends resync with the head id for an unknown (future or huge) id, then carries on live', async () => {
    for (const resumeId of ['99999999', '123456789012345678901'.slice(0, 20)]) {
      const head = Math.max(...(await logIds(t)));
      const reader = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': resumeId });
      try {
        await reader.waitFor((frames) => frames.some((frame) => frame.event === 'resync'));
        const resync = reader.frames.find((frame) => frame.event === 'resync')!;
        expect(resync.id).toBe(String(head));
        await commitCustomerCreated(t, admin.user.workspaceId, 'after resync');
        await reader.waitFor(() => reader.events().length === 1);
        expect(Number(reader.events()[0].id)).toBeGreaterThan(head);
      } finally {
        reader.close();
      }
    }
  });

  it('answers a non-decimal resume id (browser Last-Event-ID: abc, lastEventId=12abc) with 200 and resync, then live', async () => {
    const cases: Array<{ url: string; headers: Record<string, string> }> = [
      { url: '/api/events/stream', headers: { ...admin.auth, 'Last-Event-ID': 'abc' } },
      { url: '/api/events/stream?lastEventId=12abc', headers: admin.auth },
      { url: '/api/events/stream?lastEventId=-1', headers: admin.auth },
    ];
    for (const { url, headers } of cases) {
      const head = Math.max(...(await logIds(t)));
      const reader = await openSse(`${t.baseUrl}${url}`, headers);
      try {
        await reader.waitFor((frames) => frames.some((frame) => frame.event === 'resync'));
        expect([url, reader.status]).toEqual([url, 200]);
        expect(reader.frames.find((frame) => frame.event === 'resync')!.id).toBe(String(head));
        expect(reader.events()).toEqual([]);
        await commitCustomerCreated(t, admin.user.workspaceId, 'after non-decimal resume id');
        await reader.waitFor(() => reader.events().length === 1);
        expect(Number(reader.events()[0].id)).toBeGreaterThan(head);
      } finally {
        reader.close();
      }
    }
  });

  it('serves GET /api/events with limit, cursor and filters, and validates its input', async () => {
    const ids = await logIds(t);
    const page1 = (await t.http().get(`/api/events?after=${ids[0]}&limit=3`).set(admin.auth).expect(200)).body;
    expect(page1.items.map((item: { id: string }) => Number(item.id))).toEqual(ids.slice(1, 4));
    expect(page1.items[0]).toEqual({ id: String(ids[1]), type: 'customer_created', data: expect.objectContaining({ name: expect.any(String) }), createdAt: expect.any(String) });
    expect(page1.nextCursor).toBe(String(ids[3]));
    const page2 = (await t.http().get(`/api/events?after=${page1.nextCursor}&limit=3`).set(admin.auth).expect(200)).body;
    expect(page2.items.map((item: { id: string }) => Number(item.id))).toEqual(ids.slice(4, 7));
    const none = (await t.http().get('/api/events?after=0&types=new_message').set(admin.auth).expect(200)).body;
    expect(none).toEqual({ items: [], nextCursor: null });
    for (const query of ['after=-1', 'after=x', 'limit=0', 'limit=101', 'types=nope', 'channelId=1', 'extra=1']) {
      await t.http().get(`/api/events?${query}`).set(admin.auth).expect(400);
    }
    await t.http().get('/api/events').expect(401);
  });

  it('after retention pruned events: 410 from the catch-up API and resync on the stream', async () => {
    const ids = await logIds(t);
    const cut = ids[Math.floor(ids.length / 2)];
    await t.app.get(DataSource).query("UPDATE events SET created_at = now() - interval '100 hours' WHERE id <= $1", [cut]);
    const removed = await t.app.get(EventRetentionService).pruneOnce();
    expect(removed).toBe(ids.filter((id) => id <= cut).length);
    expect((await logIds(t))[0]).toBeGreaterThan(cut);

    await t.http().get(`/api/events?after=${ids[0]}`).set(admin.auth).expect(410);
    await t.http().get('/api/events?after=0').set(admin.auth).expect(410);
    const ok = (await t.http().get(`/api/events?after=${cut}&limit=100`).set(admin.auth).expect(200)).body;
    expect(ok.items[0].id).toBe(String(ids.find((id) => id > cut)));

    const stale = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': String(ids[0]) });
    const fresh = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Last-Event-ID': String(cut) });
    try {
      await stale.waitFor((frames) => frames.some((frame) => frame.event === 'resync'));
      expect(stale.events()).toHaveLength(0);
      expect(stale.frames.find((frame) => frame.event === 'resync')!.id).toBe(String(Math.max(...ids)));
      await fresh.waitFor(() => fresh.events().length === ids.filter((id) => id > cut).length);
      expect(fresh.frames.some((frame) => frame.event === 'resync')).toBe(false);
    } finally {
      stale.close();
      fresh.close();
    }
  });
});
