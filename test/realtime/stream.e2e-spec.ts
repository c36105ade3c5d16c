import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { DataSource } from 'typeorm';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { commitCustomerCreated, commitEvents, customerPayload } from '../support/realtime-helpers.js';
import { openSse } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const HEARTBEAT_MS = 300;

describe('event stream: auth, headers, frames, filters', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp({ env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS), SSE_MAX_CONNECTIONS_PER_USER: '3', SSE_RETRY_MS: '1500' } });
    admin = await signupWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 with a JSON error and no stream bytes without valid credentials', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-a-token' }] as Array<Record<string, string>>) {
      const reader = await openSse(`${t.baseUrl}/api/events/stream`, headers);
      await reader.ended;
      expect(reader.status).toBe(401);
      expect(reader.headers['content-type']).toContain('application/json');
      expect(reader.text()).not.toContain('event:');
      expect(JSON.parse(reader.text())).toMatchObject({ statusCode: 401 });
    }
    const badTicket = await openSse(`${t.baseUrl}/api/events/stream?ticket=nope`);
    await badTicket.ended;
    expect(badTicket.status).toBe(401);
  });

  it('sends the exact headers, never compressed, then retry and connected first', async () => {
    const reader = await openSse(`${t.baseUrl}/api/events/stream`, { ...admin.auth, 'Accept-Encoding': 'gzip, deflate, br' });
    try {
      expect(reader.status).toBe(200);
      expect(reader.headers['content-type']).toBe('text/event-stream');
      expect(reader.headers['cache-control']).toBe('no-cache');
      expect(reader.headers['x-accel-buffering']).toBe('no');
      expect(reader.headers['content-encoding']).toBeUndefined();
      await reader.waitFor((frames) => frames.length >= 1);
      expect(reader.text().startsWith('retry: 1500\nevent: connected\ndata: {')).toBe(true);
      const connected = JSON.parse(reader.frames[0].data!);
      expect(connected).toEqual({ connectionId: expect.any(String), lastEventId: expect.stringMatching(/^\d+$/), heartbeatMs: HEARTBEAT_MS });

      await commitCustomerCreated(t, admin.user.workspaceId, 'Frame check');
      await reader.waitFor(() => reader.events().length === 1);
      const [event] = reader.events();
      expect(event.raw).toMatch(/^id: \d+\nevent: customer_created\ndata: \{.*\}$/);
      expect(JSON.parse(event.data!)).toMatchObject({ name: 'Frame check' });
      expect(reader.text().endsWith('\n\n')).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('sends heartbeats carrying the caught-up id, also to a filtered idle stream', async () => {
    const reader = await openSse(`${t.baseUrl}/api/events/stream?types=new_message`, admin.auth);
    try {
      await reader.waitFor((frames) => frames.length >= 1);
      await commitCustomerCreated(t, admin.user.workspaceId, 'Filtered away');
      const { items } = (await t.http().get('/api/events?after=0&limit=100').set(admin.auth).expect(200)).body;
      const head = items[items.length - 1].id as string;
      await reader.waitFor((frames) => frames.some((frame) => frame.event === 'ping' && frame.id === head), HEARTBEAT_MS * 10);
      const ping = reader.frames.find((frame) => frame.event === 'ping' && frame.id === head)!;
      expect(JSON.parse(ping.data!)).toEqual({ ts: expect.any(Number) });
      expect(reader.events()).toHaveLength(0);
    } finally {
      reader.close();
    }
  });

  it('issues single-use tickets for EventSource', async () => {
    const { ticket, expiresAt } = (await t.http().post('/api/events/ticket').set(admin.auth).expect(201)).body;
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    const first = await openSse(`${t.baseUrl}/api/events/stream?ticket=${ticket}`);
    expect(first.status).toBe(200);
    first.close();
    const second = await openSse(`${t.baseUrl}/api/events/stream?ticket=${ticket}`);
    await second.ended;
    expect(second.status).toBe(401);
    await t.http().post('/api/events/ticket').expect(401);
  });

  it('rejects an expired ticket', async () => {
    const { ticket } = (await t.http().post('/api/events/ticket').set(admin.auth).expect(201)).body;
    await t.app.get(DataSource).query("UPDATE stream_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL");
    const reader = await openSse(`${t.baseUrl}/api/events/stream?ticket=${ticket}`);
    await reader.ended;
    expect(reader.status).toBe(401);
  });

  it('answers 429 past SSE_MAX_CONNECTIONS_PER_USER and accepts again once one closes', async () => {
    const user = await createUser(t, admin, 'admin');
    const open = await Promise.all([1, 2, 3].map(() => openSse(`${t.baseUrl}/api/events/stream`, user.auth)));
    expect(open.map((reader) => reader.status)).toEqual([200, 200, 200]);
    await Promise.all(open.map((reader) => reader.waitFor((frames) => frames.length >= 1)));
    const refused = await openSse(`${t.baseUrl}/api/events/stream`, user.auth);
    await refused.ended;
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text())).toMatchObject({ statusCode: 429 });
    open[0].close();
    await open[0].ended;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await openSse(`${t.baseUrl}/api/events/stream`, user.auth);
    expect(again.status).toBe(200);
    [again, ...open].forEach((reader) => reader.close());
  });

  it('applies types, conversationId and channelId filters with AND', async () => {
    const channelA = '11111111-1111-4111-8111-111111111111';
    const channelB = '22222222-2222-4222-8222-222222222222';
    const conversationA = '33333333-3333-4333-8333-333333333333';
    const byType = await openSse(`${t.baseUrl}/api/events/stream?types=customer_updated,customer_deleted`, admin.auth);
    const byConversation = await openSse(`${t.baseUrl}/api/events/stream?conversationId=${conversationA}`, admin.auth);
    const byChannelAndType = await openSse(`${t.baseUrl}/api/events/stream?channelId=${channelB}&types=customer_deleted`, admin.auth);
    const readers = [byType, byConversation, byChannelAndType];
    try {
      await Promise.all(readers.map((reader) => reader.waitFor((frames) => frames.length >= 1)));
      const ws = admin.user.workspaceId;
      await commitEvents(t, [
        { name: 'customer.created', scope: { workspaceId: ws }, data: customerPayload('c1') },
        { name: 'customer.updated', scope: { workspaceId: ws, channelId: channelA, conversationId: conversationA }, data: customerPayload('u1') },
        { name: 'customer.deleted', scope: { workspaceId: ws, channelId: channelB }, data: { id: 'd1' } },
        { name: 'customer.deleted', scope: { workspaceId: ws, channelId: channelA }, data: { id: 'd2' } },
      ]);
      await byType.waitFor(() => byType.events().length >= 3);
      await byConversation.waitFor(() => byConversation.events().length >= 1);
      await byChannelAndType.waitFor(() => byChannelAndType.events().length >= 1);
      // Let anything that should not arrive have its chance to arrive.
      await commitCustomerCreated(t, ws, 'marker');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(byType.events().map((frame) => frame.event)).toEqual(['customer_updated', 'customer_deleted', 'customer_deleted']);
      expect(byConversation.events().map((frame) => JSON.parse(frame.data!).name)).toEqual(['u1']);
      expect(byChannelAndType.events().map((frame) => JSON.parse(frame.data!).id)).toEqual(['d1']);
    } finally {
      readers.forEach((reader) => reader.close());
    }
  });

  it('rejects unknown filter values and unknown query parameters with 400', async () => {
    // A non-decimal resume id is no 400 (see resume.e2e-spec.ts: resync); only an absurdly long one is.
    for (const query of ['types=bogus', 'conversationId=nope', 'channelId=1', `lastEventId=${'1'.repeat(201)}`, 'surprise=1']) {
      const reader = await openSse(`${t.baseUrl}/api/events/stream?${query}`, admin.auth);
      await reader.ended;
      expect([query, reader.status]).toEqual([query, 400]);
    }
  });

  it('works with the eventsource npm client and a ticket', async () => {
    const { ticket } = (await t.http().post('/api/events/ticket').set(admin.auth).expect(201)).body;
    const source = new EventSource(`${t.baseUrl}/api/events/stream?ticket=${ticket}`);
    try {
      const received = new Promise<MessageEvent>((resolve) => source.addEventListener('customer_created', (event) => resolve(event)));
      await new Promise<void>((resolve) => source.addEventListener('connected', () => resolve()));
      await commitCustomerCreated(t, admin.user.workspaceId, 'Via EventSource');
      const event = await received;
      expect(JSON.parse(event.data as string)).toMatchObject({ name: 'Via EventSource' });
      expect(event.lastEventId).toMatch(/^\d+$/);
    } finally {
      source.close();
    }
  });

  it('never delivers another workspace’s events', async () => {
    const other = await signupWorkspace(t, 'Other');
    const reader = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
    try {
      await reader.waitFor((frames) => frames.length >= 1);
      await commitCustomerCreated(t, other.user.workspaceId, 'Secret of other');
      await commitCustomerCreated(t, admin.user.workspaceId, 'Mine');
      await reader.waitFor(() => reader.events().length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reader.events().map((frame) => JSON.parse(frame.data!).name)).toEqual(['Mine']);
      expect(reader.text()).not.toContain('Secret of other');
    } finally {
      reader.close();
    }
  });
});
