import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSse } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  FAKE_SECRETS,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloUserText,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  createPlatformChannel,
  db,
  deliver,
  sendAgentMessage,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  waitFor,
  waitForMessageStatus,
  workspaceEvents,
  type ChannelInfo,
  type PlatformTestContext,
} from '../platforms/platform-test-helpers.js';

const HOUR = 60 * 60 * 1000;
const zaloRefreshable = (expiresAt: Date) => ({
  ...FAKE_SECRETS.zalo,
  appSecret: 'zalo_app_secret_SECRET',
  refreshToken: `zalo-refresh-${uniqueId()}`,
  accessTokenExpiresAt: expiresAt.toISOString(),
});

/** Token refresh, channel health and reply windows, against the local fake platforms. */
describe('channel health', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  async function getChannel(id: string, t: TestApp = context.t) {
    return (await t.http().get(`/api/channels/${id}`).set(context.admin.auth).expect(200)).body;
  }

  async function customerWrites(
    channel: ChannelInfo,
    options: { at?: number; thread?: string } = {},
  ): Promise<string> {
    const thread = options.thread ?? uniqueId();
    const delivery =
      channel.platform === 'zalo'
        ? signedZaloDelivery(
            zaloUserText({
              oaId: channel.externalId,
              userId: thread,
              msgId: uniqueId('z'),
              text: 'hello',
              timestamp: options.at,
            }),
          )
        : channel.platform === 'tiktok'
          ? signedTiktokDelivery(
              tiktokTextMessage({
                businessId: channel.externalId,
                userId: `user-${thread}`,
                conversationId: thread,
                messageId: uniqueId('t'),
                text: 'hello',
                timestamp: options.at,
              }),
            )
          : signedFacebookDelivery(
              facebookTextMessage({
                pageId: channel.externalId,
                psid: thread,
                mid: uniqueId('m_'),
                text: 'hello',
                timestamp: options.at,
              }),
            );
    await deliver(context.t, delivery).expect(200);
    const conversations = await channelConversations(context.t, channel.id);
    return conversations.find((conversation: { thread_key: string }) => conversation.thread_key === thread)
      .id;
  }

  it('refreshes a Zalo token before it expires and sends with the new one', async () => {
    const credentials = zaloRefreshable(new Date(Date.now() + 4000));
    const channel = await createPlatformChannel(context, 'zalo', { credentials });
    expect(await getChannel(channel.id)).toMatchObject({ canRefreshToken: true, status: 'active' });
    context.fake.script('zalo_token', context.fake.replies.zaloToken.success('90000'));
    const [call] = await context.fake.waitForRequests('zalo_token', 1, 8000);
    expect(call.headers['secret_key']).toBe(credentials.appSecret);
    expect(Object.fromEntries(new URLSearchParams(call.rawBody))).toEqual({
      refresh_token: credentials.refreshToken,
      app_id: FAKE_SECRETS.zalo.appId,
      grant_type: 'refresh_token',
    });
    const refreshed = await waitFor(async () => {
      const view = await getChannel(channel.id);
      return Date.parse(view.tokenExpiresAt) > Date.now() + 20 * HOUR ? view : null;
    });
    expect(JSON.stringify(refreshed)).not.toContain('zalo-access-');
    const events = (await workspaceEvents(context.t, channel.workspaceId)).filter(
      (event) => event.type === 'channel_updated' && event.channelId === channel.id,
    );
    expect(events.at(-1)?.data.tokenExpiresAt).toBe(refreshed.tokenExpiresAt);

    const conversationId = await customerWrites(channel);
    const reply = await sendAgentMessage(context.t, context.admin, conversationId, 'after refresh');
    await waitForMessageStatus(context.t, reply.id, ['sent']);
    const send = context.fake
      .requests('zalo')
      .find((request) => request.body?.message?.text === 'after refresh');
    expect(send?.headers['access_token']).toMatch(/^zalo-access-/);
    expect(context.fake.requests('zalo_token')).toHaveLength(1);
  });

  it('refreshes a TikTok token at once on 40105 and retries that send once', async () => {
    const credentials = {
      ...FAKE_SECRETS.tiktok,
      appId: 'tiktok_client_key',
      refreshToken: `tiktok-refresh-${uniqueId()}`,
      accessTokenExpiresAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    };
    const channel = await createPlatformChannel(context, 'tiktok', { credentials });
    const conversationId = await customerWrites(channel);
    const before = context.fake.requests('tiktok_token').length;
    context.fake.script('tiktok', context.fake.replies.tiktok.invalidToken());
    const reply = await sendAgentMessage(context.t, context.admin, conversationId, 'retried once');
    await waitForMessageStatus(context.t, reply.id, ['sent']);
    const tokenCalls = context.fake.requests('tiktok_token').slice(before);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0].body).toEqual({
      client_id: 'tiktok_client_key',
      client_secret: FAKE_SECRETS.tiktok.appSecret,
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
    });
    const sends = context.fake
      .requests('tiktok')
      .filter((request) => request.body?.text?.body === 'retried once');
    expect(sends.map((request) => request.headers['access-token'])).toEqual([
      FAKE_SECRETS.tiktok.accessToken,
      expect.stringMatching(/^tiktok-access-/),
    ]);
    expect((await getChannel(channel.id)).status).toBe('active');
  });

  it('a lost refresh answer then a refused refresh token: needs_reconnect live, replies wait, PATCH sends them in order', async () => {
    const channel = await createPlatformChannel(context, 'zalo', {
      credentials: zaloRefreshable(new Date(Date.now() + 48 * HOUR)),
    });
    // The scheduled first refresh (expiry known, far away) is not due; only the send error triggers one.
    const conversationId = await customerWrites(channel);
    const stream = await openSse(
      `${context.t.baseUrl}/api/events/stream?types=channel_updated`,
      context.admin.auth,
    );
    try {
      context.fake.script('zalo', context.fake.replies.zalo.invalidToken());
      context.fake.script('zalo_token', context.fake.replies.connectionDropped());
      const first = await sendAgentMessage(context.t, context.admin, conversationId, 'first waits');
      const second = await sendAgentMessage(context.t, context.admin, conversationId, 'second waits');
      const frames = await stream.waitFor(
        (all) => all.some((frame) => frame.event === 'channel_updated' && frame.data?.includes('refused')),
        10_000,
      );
      const refused = JSON.parse(frames.filter((frame) => frame.event === 'channel_updated').at(-1)!.data!);
      expect(refused).toMatchObject({ id: channel.id, status: 'needs_reconnect' });
      expect(refused.statusReason).toContain('Zalo refused the token refresh');
      expect(stream.text()).not.toContain('zalo_app_secret_SECRET');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const rows = await db(context.t).query(
        `SELECT id, status FROM messages WHERE conversation_id = $1 AND sender = 'agent' ORDER BY created_at`,
        [conversationId],
      );
      expect(rows).toEqual([
        { id: first.id, status: 'pending' },
        { id: second.id, status: 'pending' },
      ]);

      const fixed = await context.t
        .http()
        .patch(`/api/channels/${channel.id}`)
        .set(context.admin.auth)
        .send({ credentials: { ...FAKE_SECRETS.zalo, accessToken: 'reconnected-token' } })
        .expect(200);
      expect(fixed.body).toMatchObject({ status: 'active', statusReason: null, canRefreshToken: false });
      await waitForMessageStatus(context.t, second.id, ['sent']);
      expect((await waitForMessageStatus(context.t, first.id, ['sent'])).status).toBe('sent');
      const order = context.fake
        .requests('zalo')
        .filter((request) => request.headers['access_token'] === 'reconnected-token')
        .map((request) => request.body.message.text);
      expect(order).toEqual(['first waits', 'second waits']);
      await stream.waitFor((all) =>
        all.some((frame) => frame.event === 'channel_updated' && frame.data?.includes('"status":"active"')),
      );
    } finally {
      stream.close();
    }
  });

  it('Facebook error 190 marks the channel needs_reconnect and keeps the reply pending', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const conversationId = await customerWrites(channel);
    context.fake.script('facebook', context.fake.replies.facebook.invalidToken());
    const reply = await sendAgentMessage(context.t, context.admin, conversationId, 'token gone');
    const view = await waitFor(async () => {
      const current = await getChannel(channel.id);
      return current.status === 'needs_reconnect' ? current : null;
    });
    expect(view.statusReason).toContain('page access token is invalid');
    expect(view.statusReason).not.toContain(FAKE_SECRETS.facebook.pageAccessToken);
    const [row] = await db(context.t).query('SELECT status FROM messages WHERE id = $1', [reply.id]);
    expect(row.status).toBe('pending');
  });

  it('Facebook windows: RESPONSE inside 24 h, 422 after it, HUMAN_AGENT with the tag, 422 after 7 days', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const fresh = await customerWrites(channel);
    const late = await customerWrites(channel, { at: Date.now() - 30 * HOUR });
    const old = await customerWrites(channel, { at: Date.now() - 8 * 24 * HOUR });
    const windowOf = async (id: string) =>
      (await context.t.http().get(`/api/conversations/${id}`).set(context.admin.auth).expect(200)).body
        .replyWindow;
    expect(await windowOf(fresh)).toMatchObject({ state: 'open', remaining: null, reason: null });
    expect(await windowOf(late)).toMatchObject({ state: 'closed', closesAt: null });

    const refused = await context.t
      .http()
      .post(`/api/conversations/${late}/messages`)
      .set(context.admin.auth)
      .send({ content: 'too late' })
      .expect(422);
    expect(refused.body.message).toContain('24 hours');
    const [count] = await db(context.t).query(
      `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'agent'`,
      [late],
    );
    expect(count.n).toBe(0);

    const patched = await context.t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(context.admin.auth)
      .send({ humanAgentTag: true })
      .expect(200);
    expect(patched.body.humanAgentTag).toBe(true);
    expect(await windowOf(late)).toMatchObject({ state: 'tag_required' });
    expect(await windowOf(old)).toMatchObject({ state: 'closed' });
    await context.t
      .http()
      .post(`/api/conversations/${old}/messages`)
      .set(context.admin.auth)
      .send({ content: 'x' })
      .expect(422);

    const tagged = await sendAgentMessage(context.t, context.admin, late, 'human agent reply');
    const normal = await sendAgentMessage(context.t, context.admin, fresh, 'normal reply');
    await waitForMessageStatus(context.t, tagged.id, ['sent']);
    await waitForMessageStatus(context.t, normal.id, ['sent']);
    const wire = (text: string) =>
      context.fake.requests('facebook').find((request) => request.body.message.text === text)!.body;
    expect(wire('human agent reply')).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(wire('normal reply').messaging_type).toBe('RESPONSE');
    expect(wire('normal reply').tag).toBeUndefined();
  });

  it('the stream carries the window: a new thread opens it in new_conversation, a late customer message reopens it live', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const thread = uniqueId();
    const conversationId = await customerWrites(channel, { thread });
    const eventsOf = async () =>
      (await workspaceEvents(context.t, channel.workspaceId)).filter(
        (event) => event.conversationId === conversationId,
      );
    const first = await eventsOf();
    expect(first.map((event) => event.type)).toEqual(['new_conversation', 'new_message']);
    expect(first[0].data.replyWindow).toMatchObject({ state: 'open', reason: null });

    // The window closes with time (no event); the customer writing again opens it, and says so on the stream.
    await db(context.t).query(
      `UPDATE conversations SET last_customer_message_at = now() - interval '8 days' WHERE id = $1`,
      [conversationId],
    );
    await customerWrites(channel, { thread });
    const after = (await eventsOf()).slice(first.length);
    expect(after.map((event) => event.type)).toEqual(['new_message', 'conversation_updated']);
    expect(after[1].data.replyWindow).toMatchObject({ state: 'open', reason: null });

    // A message that leaves the state as it was adds no conversation_updated.
    await customerWrites(channel, { thread });
    expect((await eventsOf()).slice(first.length + after.length).map((event) => event.type)).toEqual([
      'new_message',
    ]);
  });

  it('Zalo closes after 7 days; TikTok after 48 h or 10 agent messages', async () => {
    const zalo = await createPlatformChannel(context, 'zalo');
    const zaloOld = await customerWrites(zalo, { at: Date.now() - 8 * 24 * HOUR });
    const zaloRefused = await context.t
      .http()
      .post(`/api/conversations/${zaloOld}/messages`)
      .set(context.admin.auth)
      .send({ content: 'late' })
      .expect(422);
    expect(zaloRefused.body.message).toContain('7 days');

    const tiktok = await createPlatformChannel(context, 'tiktok');
    const tiktokOld = await customerWrites(tiktok, { at: Date.now() - 49 * HOUR });
    await context.t
      .http()
      .post(`/api/conversations/${tiktokOld}/messages`)
      .set(context.admin.auth)
      .send({ content: 'late' })
      .expect(422);
    const conversationId = await customerWrites(tiktok);
    for (let index = 0; index < 10; index++)
      await sendAgentMessage(context.t, context.admin, conversationId, `reply ${index}`);
    const view = (
      await context.t.http().get(`/api/conversations/${conversationId}`).set(context.admin.auth).expect(200)
    ).body;
    expect(view.replyWindow).toMatchObject({ state: 'closed', remaining: 0 });
    const capped = await context.t
      .http()
      .post(`/api/conversations/${conversationId}/messages`)
      .set(context.admin.auth)
      .send({ content: 'eleventh' })
      .expect(422);
    expect(capped.body.message).toContain('10 messages');
    // The customer writing again opens a fresh window.
    const thread = (
      await db(context.t).query('SELECT thread_key FROM conversations WHERE id = $1', [conversationId])
    )[0].thread_key;
    await customerWrites(tiktok, { thread });
    const reopened = (
      await context.t.http().get(`/api/conversations/${conversationId}`).set(context.admin.auth).expect(200)
    ).body;
    expect(reopened.replyWindow).toMatchObject({ state: 'open', remaining: 10 });
  });

  // Last: closing a second in-process instance closes the shared database driver of this process.
  it('two instances racing for one due channel call the token endpoint once', async () => {
    const second = await startTestApp({ databaseUrl: context.t.databaseUrl, env: context.fake.env() });
    try {
      context.fake.setDefault('zalo_token', () => ({
        ...context.fake.replies.zaloToken.success(90_000),
        delayMs: 1500,
      }));
      const credentials = zaloRefreshable(new Date(Date.now() + 2000));
      const before = context.fake.requests('zalo_token').length;
      const channel = await createPlatformChannel(context, 'zalo', { credentials });
      await context.fake.waitForRequests('zalo_token', before + 1, 8000);
      await waitFor(
        async () => Date.parse((await getChannel(channel.id, second)).tokenExpiresAt) > Date.now() + HOUR,
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const calls = context.fake
        .requests('zalo_token')
        .filter(
          (request) => new URLSearchParams(request.rawBody).get('refresh_token') === credentials.refreshToken,
        );
      expect(calls).toHaveLength(1);
      expect(context.fake.requests('zalo_token').length).toBe(before + 1);
    } finally {
      context.fake.reset();
      await second.close();
    }
  });
});
