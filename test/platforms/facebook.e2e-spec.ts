import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { TRANSACTION_COMMITTED, type TransactionCommitted } from '../../src/database/transaction-runner.js';
import {
  FAKE_SECRETS,
  facebookBatch,
  facebookDelivery,
  facebookEcho,
  facebookImageMessage,
  facebookRead,
  facebookTextEntry,
  facebookTextMessage,
  metaJson,
  signedFacebookDelivery,
  signFacebook,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  channelIdentities,
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

describe('Facebook Messenger', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  /** A customer message on a new thread; returns the conversation id. */
  async function inboundText(channel: ChannelInfo, psid: string, text = 'hello'): Promise<string> {
    await deliver(
      context.t,
      signedFacebookDelivery(
        facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text }),
      ),
    ).expect(200);
    const conversations = await channelConversations(context.t, channel.id);
    return conversations.find((conversation) => conversation.thread_key === psid).id;
  }

  describe('subscription handshake', () => {
    it("answers hub.challenge as text for a channel's verifyToken, 403 otherwise", async () => {
      await createPlatformChannel(context, 'facebook');
      const ok = await context.t
        .http()
        .get('/api/webhooks/facebook')
        .query({
          'hub.mode': 'subscribe',
          'hub.verify_token': FAKE_SECRETS.facebook.verifyToken,
          'hub.challenge': '1158201444',
        })
        .expect(200);
      expect(ok.text).toBe('1158201444');
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
      await context.t
        .http()
        .get('/api/webhooks/facebook')
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' })
        .expect(403);
      await context.t
        .http()
        .get('/api/webhooks/facebook')
        .query({
          'hub.mode': 'unsubscribe',
          'hub.verify_token': FAKE_SECRETS.facebook.verifyToken,
          'hub.challenge': '1',
        })
        .expect(403);
      await context.t.http().get('/api/webhooks/facebook').expect(403);
    });
  });

  describe('inbound', () => {
    it('creates customer, conversation and message, with events in causal order in one commit', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const payload = facebookTextMessage({
        pageId: channel.externalId,
        psid,
        mid: 'm_AbC1dEf2GhI3jKl4MnO5pQ',
        text: 'hello, world!',
        timestamp: 1785312004523,
      });
      const commits: TransactionCommitted[] = [];
      const listener = (committed: TransactionCommitted) => commits.push(committed);
      const emitter = context.t.app.get(EventEmitter2);
      emitter.on(TRANSACTION_COMMITTED, listener);
      const response = await deliver(context.t, signedFacebookDelivery(payload)).expect(200);
      emitter.off(TRANSACTION_COMMITTED, listener);
      expect(response.body).toEqual({ received: true });
      // One delivery, one transaction carrying all its events.
      expect(commits.map((commit) => commit.events.map((event) => event.name))).toEqual([
        ['customer.created', 'conversation.started', 'message.received'],
      ]);

      const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
      expect(events.map((event) => event.type)).toEqual([
        'customer_created',
        'new_conversation',
        'new_message',
      ]);
      const [customerCreated, newConversation, newMessage] = events;
      expect(customerCreated).toMatchObject({ channelId: null, conversationId: null });
      expect(customerCreated.data.identities).toEqual([
        { platform: 'facebook', channelId: channel.id, externalUserId: psid },
      ]);
      expect(newConversation).toMatchObject({
        channelId: channel.id,
        conversationId: newConversation.data.id,
      });
      expect(newConversation.data).toMatchObject({
        channelId: channel.id,
        customerId: customerCreated.data.id,
        platform: 'facebook',
        status: 'open',
      });
      expect(newMessage.data).toMatchObject({
        conversationId: newConversation.data.id,
        sender: 'customer',
        content: 'hello, world!',
        platformMessageId: 'm_AbC1dEf2GhI3jKl4MnO5pQ',
        status: 'received',
        attachments: [],
        sentAt: new Date(1785312004523).toISOString(),
      });

      const listed = await context.t
        .http()
        .get(`/api/conversations/${newConversation.data.id}/messages`)
        .set(context.admin.auth)
        .expect(200);
      expect(listed.body.items.map((message: { content: string }) => message.content)).toEqual([
        'hello, world!',
      ]);
    });

    it("verifies Meta's unicode-escaped body over the raw bytes and stores the decoded text", async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const text = 'äöå — Xin chào 👋';
      const body = metaJson(
        facebookTextMessage({ pageId: channel.externalId, psid: uniqueId(), mid: uniqueId('m_'), text }),
      );
      expect(body).toContain('\\u00e4\\u00f6\\u00e5');
      expect(body).not.toContain('ä');
      await deliver(context.t, {
        path: '/api/webhooks/facebook',
        body,
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signFacebook(body) },
      }).expect(200);
      const [message] = await channelMessages(context.t, channel.id);
      expect(message.content).toBe(text);

      // Signing the decoded (re-serialised) text instead is not what Meta does: refused.
      const other = metaJson(
        facebookTextMessage({ pageId: channel.externalId, psid: uniqueId(), mid: uniqueId('m_'), text }),
      );
      const wrong = signFacebook(JSON.stringify(JSON.parse(other)));
      await deliver(context.t, {
        path: '/api/webhooks/facebook',
        body: other,
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': wrong },
      }).expect(401);
      expect(await channelMessages(context.t, channel.id)).toHaveLength(1);
    });

    it('stores attachments', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const url = 'https://scontent.xx.fbcdn.net/v/t1.15752-9/example.jpg?_nc_cat=1&oh=abc&oe=def';
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookImageMessage({ pageId: channel.externalId, psid: uniqueId(), mid: uniqueId('m_'), url }),
        ),
      ).expect(200);
      const [message] = await channelMessages(context.t, channel.id);
      expect(message).toMatchObject({
        content: '',
        attachments: [{ type: 'image', url }],
        sender: 'customer',
        status: 'received',
      });
    });

    it('answers 401 and writes nothing for a bad or missing signature', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const payload = facebookTextMessage({
        pageId: channel.externalId,
        psid: uniqueId(),
        mid: uniqueId('m_'),
        text: 'forged',
      });
      await deliver(context.t, signedFacebookDelivery(payload, 'not-the-app-secret')).expect(401);
      const unsigned = signedFacebookDelivery(payload);
      delete unsigned.headers['X-Hub-Signature-256'];
      await deliver(context.t, unsigned).expect(401);
      const tampered = signedFacebookDelivery(payload);
      await deliver(context.t, { ...tampered, body: tampered.body.replace('forged', 'forgeD') }).expect(401);
      expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
      expect(await channelIdentities(context.t, channel.id)).toHaveLength(0);
      expect(await workspaceEvents(context.t, channel.workspaceId)).toHaveLength(before);
    });

    it('answers 200 and writes nothing for an unknown page', async () => {
      const response = await deliver(
        context.t,
        signedFacebookDelivery(
          facebookTextMessage({ pageId: uniqueId(), psid: uniqueId(), mid: uniqueId('m_'), text: 'x' }),
        ),
      ).expect(200);
      expect(response.body).toEqual({ received: true });
    });

    it('routes a two-page batch to each page, each verified against its own channel', async () => {
      const pageA = await createPlatformChannel(context, 'facebook');
      const pageB = await createPlatformChannel(context, 'facebook');
      const payload = facebookBatch(
        facebookTextEntry({ pageId: pageA.externalId, psid: uniqueId(), mid: uniqueId('m_'), text: 'to A' }),
        facebookTextEntry({ pageId: pageB.externalId, psid: uniqueId(), mid: uniqueId('m_'), text: 'to B' }),
        facebookTextEntry({
          pageId: uniqueId(),
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'to an unknown page',
        }),
      );
      await deliver(context.t, signedFacebookDelivery(payload)).expect(200);
      expect((await channelMessages(context.t, pageA.id)).map((message) => message.content)).toEqual([
        'to A',
      ]);
      expect((await channelMessages(context.t, pageB.id)).map((message) => message.content)).toEqual([
        'to B',
      ]);

      // A page of another app (another secret) in the batch: the signature cannot hold for it → nothing written.
      const otherApp = await createPlatformChannel(context, 'facebook', {
        credentials: { ...FAKE_SECRETS.facebook, appSecret: 'another_app_secret' },
      });
      const mixed = facebookBatch(
        facebookTextEntry({
          pageId: pageA.externalId,
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'A again',
        }),
        facebookTextEntry({
          pageId: otherApp.externalId,
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'other app',
        }),
      );
      await deliver(context.t, signedFacebookDelivery(mixed)).expect(401);
      expect(await channelMessages(context.t, pageA.id)).toHaveLength(1);
      expect(await channelMessages(context.t, otherApp.id)).toHaveLength(0);
    });

    it('absorbs a redelivery: 200, no second message, no second event', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const delivery = signedFacebookDelivery(
        facebookTextMessage({
          pageId: channel.externalId,
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'once',
        }),
      );
      await deliver(context.t, delivery).expect(200);
      const events = await workspaceEvents(context.t, channel.workspaceId);
      await deliver(context.t, delivery).expect(200);
      await deliver(context.t, delivery).expect(200);
      expect(await channelMessages(context.t, channel.id)).toHaveLength(1);
      expect(await workspaceEvents(context.t, channel.workspaceId)).toHaveLength(events.length);
    });

    it('reopens a resolved conversation on a new customer message (conversation_updated)', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const conversationId = await inboundText(channel, psid, 'first');
      await context.t
        .http()
        .patch(`/api/conversations/${conversationId}`)
        .set(context.admin.auth)
        .send({ status: 'resolved' })
        .expect(200);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text: 'again' }),
        ),
      ).expect(200);
      const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
      expect(events.map((event) => event.type)).toEqual(['new_message', 'conversation_updated']);
      expect(events[1].data).toMatchObject({ id: conversationId, status: 'open' });
      const conversation = await context.t
        .http()
        .get(`/api/conversations/${conversationId}`)
        .set(context.admin.auth)
        .expect(200);
      expect(conversation.body.status).toBe('open');
    });

    it('makes a new customer when a deleted customer writes again, and moves the thread to it', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const conversationId = await inboundText(channel, psid, 'before');
      const [conversation] = await channelConversations(context.t, channel.id);
      await context.t
        .http()
        .delete(`/api/customers/${conversation.customer_id}`)
        .set(context.admin.auth)
        .expect(204);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text: 'after' }),
        ),
      ).expect(200);
      const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
      expect(events.map((event) => event.type)).toEqual([
        'customer_created',
        'conversation_updated',
        'new_message',
      ]);
      const newCustomerId = events[0].data.id;
      expect(newCustomerId).not.toBe(conversation.customer_id);
      expect(events[1].data).toMatchObject({ id: conversationId, customerId: newCustomerId });
      const customer = await context.t
        .http()
        .get(`/api/customers/${newCustomerId}`)
        .set(context.admin.auth)
        .expect(200);
      expect(customer.body.identities).toEqual([
        { platform: 'facebook', channelId: channel.id, externalUserId: psid },
      ]);
    });

    it('stores an echo of a message the page sent elsewhere as an agent message with new_message', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const conversationId = await inboundText(channel, psid);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const mid = uniqueId('m_');
      const echo = signedFacebookDelivery(
        facebookEcho({
          pageId: channel.externalId,
          psid,
          mid,
          text: 'typed in Business Suite',
          appId: 263902037430900,
        }),
      );
      await deliver(context.t, echo).expect(200);
      await deliver(context.t, echo).expect(200);
      const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
      expect(events.map((event) => event.type)).toEqual(['new_message']);
      expect(events[0].data).toMatchObject({
        conversationId,
        sender: 'agent',
        status: 'sent',
        platformMessageId: mid,
        content: 'typed in Business Suite',
        senderUserId: null,
      });
    });

    it('acknowledges unknown event kinds with 200 and stores nothing', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const payload = {
        object: 'page',
        entry: [
          {
            id: channel.externalId,
            time: Date.now(),
            messaging: [{ sender: { id: '1' }, recipient: { id: channel.externalId }, brand_new_kind: {} }],
          },
        ],
      };
      await deliver(context.t, signedFacebookDelivery(payload)).expect(200);
      await deliver(context.t, signedFacebookDelivery(payload)).expect(200);
      expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
    });
  });

  describe('outbound', () => {
    it('sends through the Send API with the page token, records sent + platform id, and the echo is not a second message', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const conversationId = await inboundText(channel, psid);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const mid = `m_sent_${uniqueId()}`;
      context.fake.script('facebook', context.fake.replies.facebook.success(mid));
      const pending = await sendAgentMessage(
        context.t,
        context.admin,
        conversationId,
        'Thanks, an agent will reply shortly.',
      );
      expect(pending.status).toBe('pending');

      const sent = await waitForMessageStatus(context.t, pending.id, ['sent', 'failed']);
      expect(sent).toMatchObject({ status: 'sent', platform_message_id: mid, error: null });
      const request = context.fake
        .requests('facebook')
        .find((entry) => entry.body?.message?.metadata === `crm:${pending.id}`);
      expect(request).toBeDefined();
      expect(request!.query.get('access_token')).toBe(FAKE_SECRETS.facebook.pageAccessToken);
      expect(request!.body).toEqual({
        recipient: { id: psid },
        messaging_type: 'RESPONSE',
        message: { text: 'Thanks, an agent will reply shortly.', metadata: `crm:${pending.id}` },
      });

      // The echo of our own message (after the send response): matched, nothing new.
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookEcho({
            pageId: channel.externalId,
            psid,
            mid,
            text: 'Thanks, an agent will reply shortly.',
            metadata: `crm:${pending.id}`,
          }),
        ),
      ).expect(200);
      // Receipts by watermark: delivered, then read.
      const watermark = Date.now() + 1000;
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookDelivery({ pageId: channel.externalId, psid, watermark, mids: [mid] }),
        ),
      ).expect(200);
      await deliver(
        context.t,
        signedFacebookDelivery(
          facebookDelivery({ pageId: channel.externalId, psid, watermark, mids: [mid] }),
        ),
      ).expect(200);
      await deliver(
        context.t,
        signedFacebookDelivery(facebookRead({ pageId: channel.externalId, psid, watermark })),
      ).expect(200);

      // (The reply route also announces the conversation moving up the inbox: conversation_updated.)
      const events = (await workspaceEvents(context.t, channel.workspaceId))
        .slice(before)
        .filter((event) => event.type !== 'conversation_updated' && event.type !== 'conversation_read');
      expect(events.map((event) => [event.type, event.data.status])).toEqual([
        ['message_sent', 'pending'],
        ['message_sent', 'sent'],
        ['message_sent', 'delivered'],
        ['message_sent', 'read'],
      ]);
      expect(events[1].data).toMatchObject({ id: pending.id, platformMessageId: mid });
      expect(
        events.every((event) => event.conversationId === conversationId && event.channelId === channel.id),
      ).toBe(true);
      const messages = await channelMessages(context.t, channel.id);
      expect(messages.filter((message) => message.sender === 'agent')).toHaveLength(1);
      expect(messages.find((message) => message.id === pending.id).status).toBe('read');
    });

    it('matches the echo that arrives before the send response is recorded: one message, no new_message', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      const conversationId = await inboundText(channel, psid);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const mid = `m_race_${uniqueId()}`;
      context.fake.script('facebook', async (request) => {
        // Meta delivers the echo webhook while our Send API call is still waiting for its answer.
        const echo = facebookEcho({
          pageId: channel.externalId,
          psid,
          mid,
          text: request.body.message.text,
          metadata: request.body.message.metadata,
        });
        await deliver(context.t, signedFacebookDelivery(echo)).expect(200);
        return context.fake.replies.facebook.success(mid);
      });
      const pending = await sendAgentMessage(context.t, context.admin, conversationId, 'racing the echo');
      await waitForMessageStatus(context.t, pending.id, ['sent', 'failed']);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const agentMessages = (await channelMessages(context.t, channel.id)).filter(
        (message) => message.sender === 'agent',
      );
      expect(agentMessages).toHaveLength(1);
      expect(agentMessages[0]).toMatchObject({ id: pending.id, status: 'sent', platform_message_id: mid });
      const events = (await workspaceEvents(context.t, channel.workspaceId))
        .slice(before)
        .filter((event) => event.type !== 'conversation_updated' && event.type !== 'conversation_read');
      expect(events.map((event) => [event.type, event.data.status])).toEqual([
        ['message_sent', 'pending'],
        ['message_sent', 'sent'],
      ]);
    });

    it('fails permanently on a window error with a readable error and no token; retries a transient one', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const conversationId = await inboundText(channel, uniqueId());
      context.fake.script('facebook', context.fake.replies.facebook.permanent());
      const refused = await sendAgentMessage(context.t, context.admin, conversationId, 'too late');
      const failed = await waitForMessageStatus(context.t, refused.id, ['failed', 'sent']);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('outside the allowed messaging window');
      expect(failed.error).not.toContain(FAKE_SECRETS.facebook.pageAccessToken);
      expect(failed.send_attempts).toBe(1);
      const events = await workspaceEvents(context.t, channel.workspaceId);
      expect(events.at(-1)).toMatchObject({
        type: 'message_sent',
        data: { id: refused.id, status: 'failed', error: failed.error },
      });

      context.fake.script(
        'facebook',
        context.fake.replies.facebook.transient(),
        context.fake.replies.facebook.rateLimited(),
      );
      const retried = await sendAgentMessage(context.t, context.admin, conversationId, 'eventually');
      await context.fake.waitForRequests('facebook', context.fake.requests('facebook').length + 1);
      for (let round = 0; round < 3; round++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await makeRetriesDue(context.t, channel.id);
      }
      const sent = await waitForMessageStatus(context.t, retried.id, ['sent', 'failed']);
      expect(sent).toMatchObject({ status: 'sent', send_attempts: 3, error: null });
    });

    it('sends the same clientMessageId once', async () => {
      const channel = await createPlatformChannel(context, 'facebook');
      const conversationId = await inboundText(channel, uniqueId());
      const first = await sendAgentMessage(context.t, context.admin, conversationId, 'once only', 'client-1');
      const second = await sendAgentMessage(
        context.t,
        context.admin,
        conversationId,
        'once only',
        'client-1',
      );
      expect(second.id).toBe(first.id);
      await waitForMessageStatus(context.t, first.id, ['sent']);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(
        context.fake
          .requests('facebook')
          .filter((request) => request.body?.message?.metadata === `crm:${first.id}`),
      ).toHaveLength(1);
    });
  });
});
