import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import {
  facebookDelivery,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloReceived,
  zaloSeen,
  zaloUserText,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  channelMessages,
  createPlatformChannel,
  db,
  deliver,
  sendAgentMessage,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  waitForMessageStatus,
  workspaceEvents,
  type ChannelInfo,
  type PlatformTestContext,
} from '../platforms/platform-test-helpers.js';

/** Early receipts, send order across instances, readable contents, and TikTok's cap. */
describe('channel health gaps', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  async function conversationOf(channel: ChannelInfo, thread: string): Promise<string> {
    const conversations = await channelConversations(context.t, channel.id);
    return conversations.find((conversation: { thread_key: string }) => conversation.thread_key === thread)
      .id;
  }

  /** A Zalo channel with a customer who wrote: the conversation and the ids a receipt names. */
  async function zaloThread(): Promise<{ channel: ChannelInfo; userId: string; conversationId: string }> {
    const channel = await createPlatformChannel(context, 'zalo');
    const userId = uniqueId();
    await deliver(
      context.t,
      signedZaloDelivery(
        zaloUserText({ oaId: channel.externalId, userId, msgId: uniqueId('z'), text: 'hi' }),
      ),
    ).expect(200);
    return { channel, userId, conversationId: await conversationOf(channel, userId) };
  }

  /** The fake Zalo delivers a receipt for `platformId` (webhook) before it answers our send with that id. */
  function receiptBeforeResponse(
    channel: ChannelInfo,
    userId: string,
    platformId: string,
    meanwhile: () => Promise<unknown> = () => Promise.resolve(),
  ): void {
    context.fake.script('zalo', async () => {
      await deliver(
        context.t,
        signedZaloDelivery(zaloReceived({ oaId: channel.externalId, userId, msgId: platformId })),
      ).expect(200);
      await meanwhile();
      return context.fake.replies.zalo.success(platformId);
    });
  }

  async function statusEvents(workspaceId: string, messageId: string): Promise<string[]> {
    return (await workspaceEvents(context.t, workspaceId))
      .filter((event) => event.type === 'message_sent' && event.data.id === messageId)
      .map((event) => event.data.status as string);
  }

  it('a Zalo receipt that arrives before the send response is kept and applied when the platform id is recorded', async () => {
    const { channel, userId, conversationId } = await zaloThread();
    const platformId = uniqueId('zmsg');
    receiptBeforeResponse(channel, userId, platformId);
    const sent = await sendAgentMessage(context.t, context.admin, conversationId, 'early receipt');
    const row = await waitForMessageStatus(context.t, sent.id, ['delivered', 'read', 'failed']);
    expect(row).toMatchObject({ status: 'delivered', platform_message_id: platformId });
    expect(await statusEvents(channel.workspaceId, sent.id)).toEqual(['pending', 'delivered']);
    // Nothing stays behind; a later receipt moves it on as usual.
    await deliver(
      context.t,
      signedZaloDelivery(zaloSeen({ oaId: channel.externalId, userId, msgIds: [platformId] })),
    ).expect(200);
    await waitForMessageStatus(context.t, sent.id, ['read']);
    const [{ count }] = await db(context.t).query(
      'SELECT count(*)::int AS count FROM pending_receipts WHERE channel_id = $1',
      [channel.id],
    );
    expect(count).toBe(0);
  });

  it('a Facebook delivery naming the mid before the send response lands is applied with the response', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const psid = uniqueId();
    await deliver(
      context.t,
      signedFacebookDelivery(
        facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text: 'hi' }),
      ),
    ).expect(200);
    const conversationId = await conversationOf(channel, psid);
    const mid = uniqueId('m_early_');
    context.fake.script('facebook', async () => {
      // The watermark is before our message was queued: only the mid names it.
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookDelivery({ pageId: channel.externalId, psid, watermark: 1000, mids: [mid] }),
        ),
      ).expect(200);
      return context.fake.replies.facebook.success(mid);
    });
    const sent = await sendAgentMessage(context.t, context.admin, conversationId, 'early fb receipt');
    const row = await waitForMessageStatus(context.t, sent.id, ['delivered', 'read', 'failed']);
    expect(row).toMatchObject({ status: 'delivered', platform_message_id: mid });
    expect(await statusEvents(channel.workspaceId, sent.id)).toEqual(['pending', 'delivered']);
  });

  it('an expired early receipt is not applied', async () => {
    const { channel, userId, conversationId } = await zaloThread();
    const platformId = uniqueId('zmsg');
    receiptBeforeResponse(channel, userId, platformId, () =>
      db(context.t).query(
        `UPDATE pending_receipts SET received_at = now() - interval '1 day' WHERE channel_id = $1`,
        [channel.id],
      ),
    );
    const sent = await sendAgentMessage(context.t, context.admin, conversationId, 'too late');
    const row = await waitForMessageStatus(context.t, sent.id, ['sent', 'delivered', 'failed']);
    expect(row.status).toBe('sent');
  });

  it('stores TikTok template cards, unknown types and shares without payload, and Facebook postbacks, as readable customer messages', async () => {
    const tiktok = await createPlatformChannel(context, 'tiktok');
    const conversation = uniqueId('conv');
    const base = tiktokTextMessage({
      businessId: tiktok.externalId,
      userId: `user-${conversation}`,
      conversationId: conversation,
      messageId: 'x',
      text: '',
    });
    const contents: Array<Record<string, unknown>> = [
      {
        type: 'template',
        template: { title: 'Pick one', buttons: [{ title: 'Orders' }, { title: 'Returns' }] },
      },
      { type: 'hologram', hologram: {} },
      { type: 'share_post' },
    ];
    for (const [index, content] of contents.entries()) {
      const parsed = {
        ...JSON.parse(base.content),
        text: undefined,
        message_id: uniqueId('t'),
        timestamp: Date.now() + index,
        ...content,
      };
      await deliver(context.t, signedTiktokDelivery({ ...base, content: JSON.stringify(parsed) })).expect(
        200,
      );
    }
    const tiktokTexts = (await channelMessages(context.t, tiktok.id)).map(
      (message: { content: string; sender: string }) => [message.sender, message.content],
    );
    expect(tiktokTexts).toEqual(
      expect.arrayContaining([
        ['customer', 'Pick one\n[Orders]\n[Returns]'],
        ['customer', '[unsupported message: hologram]'],
        ['customer', '[shared post]'],
      ]),
    );

    const facebook = await createPlatformChannel(context, 'facebook');
    const psid = uniqueId();
    const postback = {
      object: 'page',
      entry: [
        {
          id: facebook.externalId,
          time: Date.now(),
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: facebook.externalId },
              timestamp: Date.now(),
              postback: { mid: uniqueId('m_pb'), title: 'Track my order', payload: 'TRACK' },
            },
            {
              sender: { id: psid },
              recipient: { id: facebook.externalId },
              timestamp: Date.now() + 1,
              message: { mid: uniqueId('m_qr'), text: 'Yes please', quick_reply: { payload: 'YES' } },
            },
          ],
        },
      ],
    };
    const signed = signedFacebookDelivery(postback);
    await deliver(context.t, signed).expect(200);
    await deliver(context.t, signed).expect(200); // a redelivery stores nothing twice
    const facebookMessages = await channelMessages(context.t, facebook.id);
    expect(
      facebookMessages
        .map((message: { content: string; sender: string }) => [message.sender, message.content])
        .sort(),
    ).toEqual([
      ['customer', 'Track my order'],
      ['customer', 'Yes please'],
    ]);
    const events = (await workspaceEvents(context.t, facebook.workspaceId)).filter(
      (event) => event.type === 'new_message' && event.channelId === facebook.id,
    );
    expect(events).toHaveLength(2);
  });

  it('failed TikTok sends do not count against the 10-message cap', async () => {
    const tiktok = await createPlatformChannel(context, 'tiktok');
    const conversation = uniqueId('conv');
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokTextMessage({
          businessId: tiktok.externalId,
          userId: `user-${conversation}`,
          conversationId: conversation,
          messageId: uniqueId('t'),
          text: 'hello',
        }),
      ),
    ).expect(200);
    const conversationId = await conversationOf(tiktok, conversation);
    context.fake.script(
      'tiktok',
      context.fake.replies.tiktok.permanent(),
      context.fake.replies.tiktok.permanent(),
    );
    const failed = [
      await sendAgentMessage(context.t, context.admin, conversationId, 'fails 1'),
      await sendAgentMessage(context.t, context.admin, conversationId, 'fails 2'),
    ];
    for (const message of failed) await waitForMessageStatus(context.t, message.id, ['failed']);
    const view = async () =>
      (await context.t.http().get(`/api/conversations/${conversationId}`).set(context.admin.auth).expect(200))
        .body;
    expect((await view()).replyWindow).toMatchObject({ state: 'open', remaining: 10 });
    for (let index = 0; index < 10; index++)
      await sendAgentMessage(context.t, context.admin, conversationId, `reply ${index}`);
    expect((await view()).replyWindow).toMatchObject({ state: 'closed', remaining: 0 });
    await context.t
      .http()
      .post(`/api/conversations/${conversationId}/messages`)
      .set(context.admin.auth)
      .send({ content: 'eleventh' })
      .expect(422);
  });

  // Last: closing a second in-process instance closes the shared database driver of this process.
  it('two instances send many replies of one conversation in order, each once, with a slow platform', async () => {
    const second = await startTestApp({ databaseUrl: context.t.databaseUrl, env: context.fake.env() });
    try {
      const { conversationId } = await zaloThread();
      context.fake.setDefault('zalo', () => ({ ...context.fake.replies.zalo.success(), delayMs: 150 }));
      const before = context.fake.requests('zalo').length;
      const count = 12;
      const texts = Array.from({ length: count }, (_, index) => `ordered ${index}`);
      // Replies are queued through both instances; both senders race for them.
      for (const [index, text] of texts.entries()) {
        const app = index % 2 === 0 ? context.t : second;
        await sendAgentMessage(app, context.admin, conversationId, text);
      }
      await context.fake.waitForRequests('zalo', before + count, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // a duplicate send would show up here
      const received = context.fake
        .requests('zalo')
        .slice(before)
        .map((request) => request.body?.message?.text as string);
      expect(received).toEqual(texts);
      const rows = await db(context.t).query(
        `SELECT status FROM messages WHERE conversation_id = $1 AND sender = 'agent' ORDER BY created_at`,
        [conversationId],
      );
      expect(rows.map((row: { status: string }) => row.status)).toEqual(Array(count).fill('sent'));
    } finally {
      context.fake.reset();
      await second.close();
    }
  });
});
