import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  FAKE_SECRETS,
  signedTiktokDelivery,
  tiktokEcho,
  tiktokEuMessage,
  tiktokImageMessage,
  tiktokRead,
  tiktokTextMessage,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  channelMessages,
  createPlatformChannel,
  deliver,
  makeRetriesDue,
  sendAgentMessage,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  waitForMessageStatus,
  workspaceEvents,
  type ChannelInfo,
  type PlatformTestContext,
} from './platform-test-helpers.js';

describe('TikTok Business Messaging', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  const conversationKey = () => `conv+${uniqueId()}==`;

  async function inboundText(
    channel: ChannelInfo,
    userId: string,
    conversationId: string,
    text = 'hello there',
  ): Promise<string> {
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokTextMessage({
          businessId: channel.externalId,
          userId,
          conversationId,
          messageId: uniqueId('msg_'),
          text,
        }),
      ),
    ).expect(200);
    return (await channelConversations(context.t, channel.id)).find(
      (conversation) => conversation.thread_key === conversationId,
    ).id;
  }

  it('double-decodes content and keeps one conversation per TikTok conversation_id', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const userId = uniqueId('user_');
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    const first = await inboundText(channel, userId, conversationKey(), 'hello there');
    const second = await inboundText(channel, userId, conversationKey(), 'another thread');
    expect(first).not.toBe(second);
    const conversations = await channelConversations(context.t, channel.id);
    expect(new Set(conversations.map((conversation) => conversation.customer_id)).size).toBe(1);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
    expect(events.map((event) => event.type)).toEqual([
      'customer_created',
      'new_conversation',
      'new_message',
      'new_conversation',
      'new_message',
    ]);
    expect(events[0].data.name).toBe('someuser');
    expect((await channelMessages(context.t, channel.id)).map((message) => message.content)).toEqual([
      'hello there',
      'another thread',
    ]);
  });

  it('stores media messages with a reference to the TikTok media id', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokImageMessage({
          businessId: channel.externalId,
          userId: uniqueId(),
          conversationId: conversationKey(),
          messageId: uniqueId('msg_'),
          mediaId: 'v09044g40000media',
        }),
      ),
    ).expect(200);
    expect((await channelMessages(context.t, channel.id))[0]).toMatchObject({
      content: '',
      attachments: [{ type: 'image', url: 'tiktok-media:v09044g40000media' }],
    });
  });

  it('rejects a stale t (beyond 300 s) and a bad signature with 401, writing nothing', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const payload = tiktokTextMessage({
      businessId: channel.externalId,
      userId: uniqueId(),
      conversationId: conversationKey(),
      messageId: uniqueId('msg_'),
      text: 'late',
    });
    const now = Math.floor(Date.now() / 1000);
    await deliver(context.t, signedTiktokDelivery(payload, undefined, now - 301)).expect(401);
    await deliver(context.t, signedTiktokDelivery(payload, undefined, now + 400)).expect(401);
    await deliver(context.t, signedTiktokDelivery(payload, 'wrong secret')).expect(401);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
    await deliver(context.t, signedTiktokDelivery(payload, undefined, now - 250)).expect(200);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(1);
  });

  it('acknowledges an EU event without storing anything; unknown business ids get 200', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    await deliver(
      context.t,
      signedTiktokDelivery(tiktokEuMessage({ businessId: channel.externalId })),
    ).expect(200);
    const ping = {
      client_key: 'k',
      event: 'tiktok.ping',
      create_time: 1,
      user_openid: channel.externalId,
      content: '{"reason":"testing Webhook"}',
    };
    await deliver(context.t, signedTiktokDelivery(ping)).expect(200);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
    expect(await channelConversations(context.t, channel.id)).toHaveLength(0);
    expect(await workspaceEvents(context.t, channel.workspaceId)).toHaveLength(before);
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokTextMessage({
          businessId: 'biz_unknown',
          userId: 'u',
          conversationId: 'c',
          messageId: 'm',
          text: 'x',
        }),
      ),
    ).expect(200);
  });

  it('sends with the Access-Token header to the conversation; the API echo racing the response is matched; read receipts apply', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const userId = uniqueId('user_');
    const thread = conversationKey();
    const conversationId = await inboundText(channel, userId, thread);
    const messageId = `msg_sent_${uniqueId()}`;
    context.fake.script('tiktok', async (request) => {
      const echo = tiktokEcho({
        businessId: channel.externalId,
        userId,
        conversationId: thread,
        messageId,
        text: request.body.text.body,
        source: 'API',
      });
      await deliver(context.t, signedTiktokDelivery(echo)).expect(200);
      return context.fake.replies.tiktok.success(messageId);
    });
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    const pending = await sendAgentMessage(context.t, context.admin, conversationId, 'Hi! How can we help?');
    const sent = await waitForMessageStatus(context.t, pending.id, ['sent', 'failed']);
    expect(sent).toMatchObject({ status: 'sent', platform_message_id: messageId });
    const request = context.fake.requests('tiktok').at(-1)!;
    expect(request.headers['access-token']).toBe(FAKE_SECRETS.tiktok.accessToken);
    expect(request.body).toEqual({
      business_id: channel.externalId,
      recipient_type: 'CONVERSATION',
      recipient: thread,
      message_type: 'TEXT',
      text: { body: 'Hi! How can we help?' },
    });

    // The echo again (after the response), then the customer reads.
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokEcho({
          businessId: channel.externalId,
          userId,
          conversationId: thread,
          messageId,
          text: 'Hi! How can we help?',
        }),
      ),
    ).expect(200);
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokRead({
          businessId: channel.externalId,
          userId,
          conversationId: thread,
          lastReadTimestamp: Date.now() + 1000,
        }),
      ),
    ).expect(200);
    const events = (await workspaceEvents(context.t, channel.workspaceId))
      .slice(before)
      .filter((event) => event.type !== 'conversation_updated' && event.type !== 'conversation_read');
    expect(events.map((event) => [event.type, event.data.status])).toEqual([
      ['message_sent', 'pending'],
      ['message_sent', 'sent'],
      ['message_sent', 'read'],
    ]);
    expect(
      (await channelMessages(context.t, channel.id)).filter((message) => message.sender === 'agent'),
    ).toHaveLength(1);
  });

  it('stores a message the business sent from the TikTok app as an agent message', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const userId = uniqueId('user_');
    const thread = conversationKey();
    await inboundText(channel, userId, thread);
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokEcho({
          businessId: channel.externalId,
          userId,
          conversationId: thread,
          messageId: uniqueId('msg_'),
          text: 'from the app',
          source: 'APP',
        }),
      ),
    ).expect(200);
    const agent = (await channelMessages(context.t, channel.id)).filter(
      (message) => message.sender === 'agent',
    );
    expect(agent.map((message) => [message.content, message.status])).toEqual([['from the app', 'sent']]);
  });

  it('retries a transient error (51065) and fails a permanent one (40064) at once', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const conversationId = await inboundText(channel, uniqueId('user_'), conversationKey());
    context.fake.script('tiktok', context.fake.replies.tiktok.transient());
    const retried = await sendAgentMessage(context.t, context.admin, conversationId, 'second time lucky');
    await context.fake.waitForRequests('tiktok', context.fake.requests('tiktok').length + 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await makeRetriesDue(context.t, channel.id);
    expect(await waitForMessageStatus(context.t, retried.id, ['sent', 'failed'])).toMatchObject({
      status: 'sent',
      send_attempts: 2,
    });

    context.fake.script('tiktok', context.fake.replies.tiktok.permanent());
    const refused = await sendAgentMessage(context.t, context.admin, conversationId, 'blocked');
    const failed = await waitForMessageStatus(context.t, refused.id, ['sent', 'failed']);
    expect(failed).toMatchObject({ status: 'failed', send_attempts: 1 });
    expect(failed.error).toContain('blocked by direct-message rules');
  });
});
