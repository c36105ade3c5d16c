import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  FAKE_SECRETS,
  signedZaloDelivery,
  signZalo,
  zaloFollow,
  zaloOaText,
  zaloReceived,
  zaloSeen,
  zaloUserImage,
  zaloUserText,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  channelIdentities,
  channelMessages,
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
} from './platform-test-helpers.js';

describe('Zalo OA', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  async function inboundText(channel: ChannelInfo, userId: string, text = 'Xin chào shop'): Promise<string> {
    await deliver(
      context.t,
      signedZaloDelivery(zaloUserText({ oaId: channel.externalId, userId, msgId: uniqueId('z'), text })),
    ).expect(200);
    const conversations = await channelConversations(context.t, channel.id);
    return conversations.find((conversation) => conversation.thread_key === userId).id;
  }

  it('verifies the documented fixture byte for byte (Z1)', async () => {
    const channel = await createPlatformChannel(context, 'zalo', { externalId: '388613280878808645' });
    const raw =
      '{"app_id":"360846524940903967","sender":{"id":"246845883529197922"},"user_id_by_app":"552177279717587730","recipient":{"id":"388613280878808645"},"event_name":"user_send_text","message":{"text":"Xin chào shop","msg_id":"96d3cdf3af150460909"},"timestamp":"1717061839659"}';
    const headers = {
      'Content-Type': 'application/json',
      'X-ZEvent-Signature': 'mac=f52ac92625fa06444bb49de7ba6734c4bcc8ccf140f7958aac1cf0b1773a4e76',
    };
    await deliver(context.t, { path: '/api/webhooks/zalo', body: raw, headers }).expect(200);
    const [message] = await channelMessages(context.t, channel.id);
    expect(message).toMatchObject({
      content: 'Xin chào shop',
      platform_message_id: '96d3cdf3af150460909',
      sender: 'customer',
      status: 'received',
    });
    expect(message.sent_at.toISOString()).toBe(new Date(1717061839659).toISOString());
  });

  it('keeps a user id beyond 2^53 exact: "3611371994410983884"', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = '3611371994410983884';
    expect(String(Number(userId))).not.toBe(userId);
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    await inboundText(channel, userId);
    const [identity] = await channelIdentities(context.t, channel.id);
    expect(identity.external_user_id).toBe(userId);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
    expect(events.map((event) => event.type)).toEqual([
      'customer_created',
      'new_conversation',
      'new_message',
    ]);
    expect(events[0].data.identities).toEqual([
      { platform: 'zalo', channelId: channel.id, externalUserId: userId },
    ]);
    const customer = await context.t
      .http()
      .get(`/api/customers/${events[0].data.id}`)
      .set(context.admin.auth)
      .expect(200);
    expect(customer.body.identities).toEqual([
      { platform: 'zalo', channelId: channel.id, externalUserId: userId },
    ]);
    const [conversation] = await channelConversations(context.t, channel.id);
    expect(conversation.thread_key).toBe(userId);
  });

  it('stores images; answers 401 for a bad signature and 200 for an unknown OA, writing nothing', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = uniqueId();
    await deliver(
      context.t,
      signedZaloDelivery(
        zaloUserImage({
          oaId: channel.externalId,
          userId,
          msgId: uniqueId('z'),
          url: 'https://f20-zpc.zdn.vn/example/photo.jpg',
        }),
      ),
    ).expect(200);
    expect((await channelMessages(context.t, channel.id))[0].attachments).toEqual([
      { type: 'image', url: 'https://f20-zpc.zdn.vn/example/photo.jpg' },
    ]);

    const forged = signedZaloDelivery(
      zaloUserText({ oaId: channel.externalId, userId, msgId: uniqueId('z'), text: 'forged' }),
      { oaSecretKey: 'wrong' },
    );
    await deliver(context.t, forged).expect(401);
    const payload = zaloUserText({
      oaId: channel.externalId,
      userId,
      msgId: uniqueId('z'),
      text: 'old timestamp',
    });
    const body = JSON.stringify(payload);
    // Signed with another timestamp than the body's own.
    await deliver(context.t, {
      path: '/api/webhooks/zalo',
      body,
      headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signZalo(body, '1') },
    }).expect(401);
    await deliver(context.t, {
      path: '/api/webhooks/zalo',
      body,
      headers: { 'Content-Type': 'application/json' },
    }).expect(401);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(1);

    await deliver(
      context.t,
      signedZaloDelivery(zaloUserText({ oaId: uniqueId(), userId, msgId: uniqueId('z'), text: 'nobody' })),
    ).expect(200);
  });

  it('creates a customer on follow (no conversation, no message); unfollow changes nothing', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = uniqueId();
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    await deliver(context.t, signedZaloDelivery(zaloFollow({ oaId: channel.externalId, userId }))).expect(
      200,
    );
    await deliver(
      context.t,
      signedZaloDelivery(zaloFollow({ oaId: channel.externalId, userId, event: 'unfollow' })),
    ).expect(200);
    expect(
      (await channelIdentities(context.t, channel.id)).map((identity) => identity.external_user_id),
    ).toEqual([userId]);
    expect(await channelConversations(context.t, channel.id)).toHaveLength(0);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
    expect(events.map((event) => event.type)).toEqual(['customer_created']);
    // The first message later joins that customer.
    await inboundText(channel, userId);
    const [conversation] = await channelConversations(context.t, channel.id);
    expect(conversation.customer_id).toBe(events[0].data.id);
  });

  it('stores oa_send_* typed by an admin in Zalo as an agent message, once', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = uniqueId();
    const conversationId = await inboundText(channel, userId);
    const echo = signedZaloDelivery(
      zaloOaText({
        oaId: channel.externalId,
        userId,
        msgId: uniqueId('z'),
        text: 'Dạ shop chào bạn',
        adminId: '1234567890123456789',
      }),
    );
    await deliver(context.t, echo).expect(200);
    await deliver(context.t, echo).expect(200);
    const agent = (await channelMessages(context.t, channel.id)).filter(
      (message) => message.sender === 'agent',
    );
    expect(agent).toHaveLength(1);
    expect(agent[0]).toMatchObject({
      conversation_id: conversationId,
      content: 'Dạ shop chào bạn',
      status: 'sent',
    });
  });

  it('sends a CS message with the access_token header, then moves it by receipts to delivered and read', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = '3611371994410983884';
    const conversationId = await inboundText(channel, userId);
    const msgId = `zsent${uniqueId()}`;
    context.fake.script('zalo', context.fake.replies.zalo.success(msgId));
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    const pending = await sendAgentMessage(context.t, context.admin, conversationId, 'Cảm ơn bạn');
    const sent = await waitForMessageStatus(context.t, pending.id, ['sent', 'failed']);
    expect(sent).toMatchObject({ status: 'sent', platform_message_id: msgId });
    const request = context.fake.requests('zalo').at(-1)!;
    expect(request.headers['access_token']).toBe(FAKE_SECRETS.zalo.accessToken);
    expect(request.rawBody).toContain('"user_id":"3611371994410983884"');
    expect(request.body).toEqual({ recipient: { user_id: userId }, message: { text: 'Cảm ơn bạn' } });

    // The API send's oa_send_text echo (no admin_id) after the response: no second message.
    await deliver(
      context.t,
      signedZaloDelivery(zaloOaText({ oaId: channel.externalId, userId, msgId, text: 'Cảm ơn bạn' })),
    ).expect(200);
    await deliver(
      context.t,
      signedZaloDelivery(zaloReceived({ oaId: channel.externalId, userId, msgId })),
    ).expect(200);
    await deliver(
      context.t,
      signedZaloDelivery(zaloSeen({ oaId: channel.externalId, userId, msgIds: [msgId] })),
    ).expect(200);
    await deliver(
      context.t,
      signedZaloDelivery(zaloSeen({ oaId: channel.externalId, userId, msgIds: [msgId] })),
    ).expect(200);
    const events = (await workspaceEvents(context.t, channel.workspaceId))
      .slice(before)
      .filter((event) => event.type !== 'conversation_updated' && event.type !== 'conversation_read');
    expect(events.map((event) => [event.type, event.data.status])).toEqual([
      ['message_sent', 'pending'],
      ['message_sent', 'sent'],
      ['message_sent', 'delivered'],
      ['message_sent', 'read'],
    ]);
    expect(
      (await channelMessages(context.t, channel.id)).filter((message) => message.sender === 'agent'),
    ).toHaveLength(1);
  });

  it('matches the API echo that arrives before the send response (same text, in flight): one message', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = uniqueId();
    const conversationId = await inboundText(channel, userId);
    const msgId = `zrace${uniqueId()}`;
    context.fake.script('zalo', async (request) => {
      await deliver(
        context.t,
        signedZaloDelivery(
          zaloOaText({ oaId: channel.externalId, userId, msgId, text: request.body.message.text }),
        ),
      ).expect(200);
      return context.fake.replies.zalo.success(msgId);
    });
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    const pending = await sendAgentMessage(context.t, context.admin, conversationId, 'echo first');
    await waitForMessageStatus(context.t, pending.id, ['sent', 'failed']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const agent = (await channelMessages(context.t, channel.id)).filter(
      (message) => message.sender === 'agent',
    );
    expect(agent).toHaveLength(1);
    expect(agent[0]).toMatchObject({ id: pending.id, status: 'sent', platform_message_id: msgId });
    const events = (await workspaceEvents(context.t, channel.workspaceId))
      .slice(before)
      .filter((event) => event.type !== 'conversation_updated' && event.type !== 'conversation_read');
    expect(events.map((event) => [event.type, event.data.status])).toEqual([
      ['message_sent', 'pending'],
      ['message_sent', 'sent'],
    ]);
  });

  it('fails a send to an unreachable user permanently (-230); an invalid token without refresh credentials holds the reply', async () => {
    const channel = await createPlatformChannel(context, 'zalo');
    const conversationId = await inboundText(channel, uniqueId());
    context.fake.script(
      'zalo',
      context.fake.replies.zalo.permanent(),
      context.fake.replies.zalo.invalidToken(),
    );
    const first = await sendAgentMessage(context.t, context.admin, conversationId, 'one');
    const firstRow = await waitForMessageStatus(context.t, first.id, ['failed', 'sent']);
    expect(firstRow).toMatchObject({ status: 'failed', send_attempts: 1 });
    expect(firstRow.error).toContain('has not interacted with the OA in the past 7 days');
    const second = await sendAgentMessage(context.t, context.admin, conversationId, 'two');
    const health = await waitFor(async () => {
      const response = await context.t.http().get(`/api/channels/${channel.id}`).set(context.admin.auth).expect(200);
      return response.body.status === 'needs_reconnect' ? response.body : null;
    });
    expect(health.statusReason).toContain('access token is invalid');
    expect(JSON.stringify(health)).not.toContain(FAKE_SECRETS.zalo.accessToken);
    const [secondRow] = await db(context.t).query('SELECT status, error FROM messages WHERE id = $1', [second.id]);
    expect(secondRow).toEqual({ status: 'pending', error: null });
    expect(firstRow.error).not.toContain(FAKE_SECRETS.zalo.accessToken);
  });
});
