import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, TEST_PASSWORD, uniqueEmail, type Session } from '../support/fixtures.js';
import { CREDENTIAL_MARKERS, createChannel, setChannelMembers } from '../support/inbox-fixtures.js';
import { commitCustomerCreated } from '../support/realtime-helpers.js';
import { openSse, type SseFrame, type SseReader } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Seen {
  type: string;
  data: Record<string, unknown>;
}

function seen(reader: SseReader): Seen[] {
  return reader.events().map((frame: SseFrame) => ({ type: frame.event!, data: JSON.parse(frame.data!) as Record<string, unknown> }));
}

describe('webhookUrl on channel answers', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signupWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is the platform webhook route under the request origin, forwarded by a trusted proxy', async () => {
    const created = await createChannel(t, admin, { platform: 'zalo' });
    expect((created as unknown as { webhookUrl: string }).webhookUrl).toBe(`${t.baseUrl}/api/webhooks/zalo`);
    const listed = await t.http().get('/api/channels').set(admin.auth).expect(200);
    expect((listed.body as { items: Array<{ id: string; webhookUrl: string }> }).items).toEqual([
      expect.objectContaining({ id: created.id, webhookUrl: `${t.baseUrl}/api/webhooks/zalo` }),
    ]);
    // 127.0.0.1 is trusted by the default TRUST_PROXY (loopback): the forwarded origin is believed.
    const proxied = await t
      .http()
      .get(`/api/channels/${created.id}`)
      .set(admin.auth)
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'crm.example.com')
      .expect(200);
    expect((proxied.body as { webhookUrl: string }).webhookUrl).toBe('https://crm.example.com/api/webhooks/zalo');
  });

  it('ignores forwarded headers when the hop is not trusted', async () => {
    const strict = await startTestApp({ env: { TRUST_PROXY: 'false' } });
    try {
      const owner = await signupWorkspace(strict);
      const channel = await createChannel(strict, owner, { platform: 'tiktok' });
      const response = await strict
        .http()
        .get(`/api/channels/${channel.id}`)
        .set(owner.auth)
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'evil.example.com')
        .expect(200);
      expect((response.body as { webhookUrl: string }).webhookUrl).toBe(`${strict.baseUrl}/api/webhooks/tiktok`);
    } finally {
      await strict.close();
    }
  });

  it('uses PUBLIC_URL when set, in answers and in events', async () => {
    const pub = await startTestApp({ env: { PUBLIC_URL: 'https://inbox.example.com/crm/' } });
    try {
      const owner = await signupWorkspace(pub);
      const stream = await openSse(`${pub.baseUrl}/api/events/stream`, owner.auth);
      try {
        await stream.waitFor((frames) => frames.length >= 1);
        const channel = await createChannel(pub, owner, { platform: 'facebook' });
        expect((channel as unknown as { webhookUrl: string }).webhookUrl).toBe('https://inbox.example.com/crm/api/webhooks/facebook');
        await stream.waitFor(() => seen(stream).some((event) => event.type === 'channel_created'));
        const event = seen(stream).find((e) => e.type === 'channel_created')!;
        expect(event.data).toMatchObject({ id: channel.id, webhookUrl: 'https://inbox.example.com/crm/api/webhooks/facebook' });
      } finally {
        stream.close();
      }
    } finally {
      await pub.close();
    }
  });
});

describe('admin events on the stream', () => {
  let t: TestApp;
  let admin: Session;
  let otherAdmin: Session;
  let agent: Session;
  let bystander: Session;

  async function open(session: Session): Promise<SseReader> {
    const reader = await openSse(`${t.baseUrl}/api/events/stream`, session.auth);
    await reader.waitFor((frames) => frames.length >= 1);
    return reader;
  }

  /** A workspace-wide marker every stream sees: once it arrived, everything committed before it has too. */
  async function settle(readers: SseReader[], marker: string): Promise<void> {
    await commitCustomerCreated(t, admin.user.workspaceId, marker);
    await Promise.all(readers.map((reader) => reader.waitFor(() => seen(reader).some((e) => e.data.name === marker))));
  }

  function types(reader: SseReader): string[] {
    return seen(reader)
      .map((event) => event.type)
      .filter((type) => type !== 'customer_created');
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signupWorkspace(t);
    otherAdmin = await createUser(t, admin, 'admin');
    agent = await createUser(t, admin, 'agent');
    bystander = await createUser(t, admin, 'agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('channels: created, members changed, added/removed agents see it appear and disappear, deleted', async () => {
    const [adminStream, agentStream, bystanderStream] = await Promise.all([open(otherAdmin), open(agent), open(bystander)]);
    try {
      const channel = await createChannel(t, admin, { platform: 'zalo', name: 'Zalo OA' });
      await setChannelMembers(t, admin, channel.id, [agent.user.id, otherAdmin.user.id]);
      await settle([adminStream, agentStream, bystanderStream], 'after-add');

      expect(types(adminStream)).toEqual(['channel_created', 'channel_members_changed']);
      const [created, members] = seen(adminStream).filter((e) => e.type !== 'customer_created');
      expect(created.data).toMatchObject({ id: channel.id, name: 'Zalo OA', platform: 'zalo', webhookUrl: '/api/webhooks/zalo' });
      expect(members.data.channelId).toBe(channel.id);
      expect([...(members.data.userIds as string[])].sort()).toEqual([agent.user.id, otherAdmin.user.id].sort());
      // The agent was added: the channel appears for it (and the member set); the bystander sees nothing.
      expect(types(agentStream)).toEqual(['channel_members_changed', 'channel_created']);
      expect(seen(agentStream).find((e) => e.type === 'channel_created')!.data).toMatchObject({ id: channel.id });
      expect(types(bystanderStream)).toEqual([]);

      await setChannelMembers(t, admin, channel.id, [otherAdmin.user.id]);
      await settle([adminStream, agentStream, bystanderStream], 'after-remove');
      expect(types(agentStream)).toEqual(['channel_members_changed', 'channel_created', 'channel_deleted']);
      expect(seen(agentStream).at(-2)!.data).toEqual({ id: channel.id });
      // An admin removed from the member set still sees the channel: no channel_deleted for it.
      expect(types(adminStream)).toEqual(['channel_created', 'channel_members_changed', 'channel_members_changed']);

      await setChannelMembers(t, admin, channel.id, [agent.user.id]);
      await t.http().delete(`/api/channels/${channel.id}`).set(admin.auth).expect(204);
      await settle([adminStream, agentStream, bystanderStream], 'after-delete');
      expect(types(adminStream).slice(-2)).toEqual(['channel_members_changed', 'channel_deleted']);
      expect(types(agentStream).slice(-3)).toEqual(['channel_members_changed', 'channel_created', 'channel_deleted']);
      expect(types(bystanderStream)).toEqual([]);
      for (const reader of [adminStream, agentStream]) {
        for (const marker of CREDENTIAL_MARKERS) expect(reader.text()).not.toContain(marker);
      }
    } finally {
      for (const reader of [adminStream, agentStream, bystanderStream]) reader.close();
    }
  });

  it('users: created, updated, deleted reach admins only, live and in GET /api/events', async () => {
    const [adminStream, agentStream] = await Promise.all([open(otherAdmin), open(agent)]);
    try {
      const email = uniqueEmail('new');
      const created = await t
        .http()
        .post('/api/users')
        .set(admin.auth)
        .send({ email, name: 'New agent', role: 'agent', password: TEST_PASSWORD })
        .expect(201);
      const id = (created.body as { id: string }).id;
      await t.http().patch(`/api/users/${id}`).set(admin.auth).send({ role: 'admin' }).expect(200);
      await t.http().patch(`/api/users/${id}`).set(admin.auth).send({ password: 'another long password' }).expect(200);
      await t.http().delete(`/api/users/${id}`).set(admin.auth).expect(204);
      await settle([adminStream, agentStream], 'after-users');

      expect(types(adminStream)).toEqual(['user_created', 'user_updated', 'user_updated', 'user_deleted']);
      const events = seen(adminStream).filter((e) => e.type.startsWith('user_'));
      expect(events[0].data).toEqual({ id, email, name: 'New agent', role: 'agent', workspaceId: admin.user.workspaceId });
      expect(events[1].data).toMatchObject({ id, role: 'admin' });
      expect(events[3].data).toEqual({ id });
      expect(adminStream.text()).not.toContain(TEST_PASSWORD);
      expect(adminStream.text()).not.toContain('another long password');
      expect(adminStream.text()).not.toMatch(/password/i);
      expect(types(agentStream)).toEqual([]);

      const agentLog = await t.http().get('/api/events?after=0&limit=100').set(agent.auth).expect(200);
      const agentTypes = (agentLog.body as { items: Array<{ type: string }> }).items.map((item) => item.type);
      expect(agentTypes.filter((type) => type.startsWith('user_'))).toEqual([]);
      const adminLog = await t.http().get('/api/events?after=0&limit=100&types=user_created').set(admin.auth).expect(200);
      expect((adminLog.body as { items: Array<{ data: { id: string } }> }).items.map((item) => item.data.id)).toContain(id);
      // Even asked for by name, an agent gets none.
      const asked = await t.http().get('/api/events?after=0&limit=100&types=user_created,user_deleted').set(agent.auth).expect(200);
      expect((asked.body as { items: unknown[] }).items).toEqual([]);
    } finally {
      adminStream.close();
      agentStream.close();
    }
  });

  it('an agent resuming its stream replays neither user events nor channels it may not see', async () => {
    const agentLog = await t.http().get('/api/events?after=0&limit=100').set(bystander.auth).expect(200);
    const replay = await openSse(`${t.baseUrl}/api/events/stream?lastEventId=0`, bystander.auth);
    try {
      const marker = 'after-replay';
      await commitCustomerCreated(t, admin.user.workspaceId, marker);
      await replay.waitFor(() => seen(replay).some((e) => e.data.name === marker));
      expect(types(replay)).toEqual([]);
      expect((agentLog.body as { items: Array<{ type: string }> }).items.map((item) => item.type).filter((type) => type !== 'customer_created')).toEqual([]);
    } finally {
      replay.close();
    }
  });
});
