/**
 * A message with text and images goes out as consecutive platform messages (text first, then each file), each
 * platform's way, over real HTTP to the platform fake; its status moves pending → sent on a real SSE stream.
 * Failures, a restart between parts, receipts and echoes of any part.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { openSse } from '../support/sse-reader.js';
import type { RecordedRequest } from '../support/fake-platforms.js';
import {
  db,
  deliver,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  waitFor,
  waitForMessageStatus,
  type Loose,
  type Platform,
  type PlatformTestContext,
} from '../platforms/platform-test-helpers.js';
import {
  facebookEcho,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokEcho,
  zaloOaText,
  zaloReceived,
  zaloSeen,
} from '../support/webhook-signing.js';
import { agentMessages, messageParts, openThread, pngImage, postMessage, upload, type Thread } from './outbound-helpers.js';

const TEXT = 'Here are both photos';
const IMAGES = [pngImage(1), pngImage(2)];

describe('outbound attachments: the split sender', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });
  beforeEach(() => context.fake.reset());

  /** Uploads the two images and posts TEXT with them; the 202 body. */
  async function sendTextAndImages(thread: Thread): Promise<Loose> {
    const { t, admin } = context;
    const ids = [await upload(t, admin, IMAGES[0], 'first.png'), await upload(t, admin, IMAGES[1], 'second.png')];
    const response = await postMessage(t, admin, thread.conversationId, { content: TEXT, attachmentIds: ids }).expect(202);
    expect(response.body).toMatchObject({ status: 'pending', content: TEXT, platformMessageId: null });
    expect(response.body.attachments.map((attachment: Loose) => attachment.mediaId)).toEqual(ids);
    return response.body;
  }

  function filePart(request: RecordedRequest, name: string) {
    const part = request.multipart?.find((candidate) => candidate.name === name);
    if (!part) throw new Error(`no ${name} part in the multipart body`);
    return part;
  }

  /** Every platform call of the test, in the order the fake received it, as `route` names. */
  function callOrder(): string[] {
    return [...context.fake.requests()].sort((a, b) => a.receivedAt - b.receivedAt).map((request) => request.platform);
  }

  const expectedCalls: Record<Platform, string[]> = {
    facebook: ['facebook', 'facebook', 'facebook'],
    zalo: ['zalo', 'zalo_upload_image', 'zalo', 'zalo_upload_image', 'zalo'],
    tiktok: ['tiktok', 'tiktok_upload', 'tiktok', 'tiktok_upload', 'tiktok'],
  };

  /** The platform's requests for the three parts, checked; returns nothing, throws on a mismatch. */
  function checkPlatformBodies(platform: Platform, thread: Thread, messageId: string): void {
    const { fake } = context;
    if (platform === 'facebook') {
      const [text, ...files] = fake.requests('facebook');
      expect(text.body.message).toEqual({ text: TEXT, metadata: `crm:${messageId}` });
      expect(text.body.recipient).toEqual({ id: thread.threadKey });
      files.forEach((request, index) => {
        expect(request.multipart?.map((part) => part.name)).toEqual(['recipient', 'messaging_type', 'message', 'filedata']);
        expect(JSON.parse(filePart(request, 'recipient').value)).toEqual({ id: thread.threadKey });
        expect(JSON.parse(filePart(request, 'message').value)).toEqual({
          attachment: { type: 'image', payload: { is_reusable: false } },
          metadata: `crm:${messageId}`,
        });
        const file = filePart(request, 'filedata');
        expect(file.filename).toBe(['first.png', 'second.png'][index]);
        expect(file.contentType).toBe('image/png');
        expect(file.data.equals(IMAGES[index])).toBe(true);
      });
    } else if (platform === 'zalo') {
      const [text, ...files] = fake.requests('zalo');
      expect(text.body).toEqual({ recipient: { user_id: thread.threadKey }, message: { text: TEXT } });
      const uploads = fake.requests('zalo_upload_image');
      uploads.forEach((request, index) => {
        expect(filePart(request, 'file').data.equals(IMAGES[index])).toBe(true);
        expect(files[index].body.message).toEqual({
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: `zatt-${index + 1}` }] },
          },
        });
      });
    } else {
      const [text, ...files] = fake.requests('tiktok');
      expect(text.body).toMatchObject({
        business_id: thread.channel.externalId,
        recipient: thread.threadKey,
        message_type: 'TEXT',
        text: { body: TEXT },
      });
      const uploads = fake.requests('tiktok_upload');
      uploads.forEach((request, index) => {
        expect(filePart(request, 'business_id').value).toBe(thread.channel.externalId);
        expect(filePart(request, 'media_type').value).toBe('IMAGE');
        expect(filePart(request, 'file').data.equals(IMAGES[index])).toBe(true);
        expect(files[index].body).toMatchObject({ message_type: 'IMAGE', image: { media_id: `tmedia-${index + 1}` } });
      });
    }
  }

  /** Scripts the platform's answers: part ids `<prefix>-1..3`, upload references as checkPlatformBodies expects. */
  function scriptSuccess(platform: Platform, prefix: string): string[] {
    const { fake } = context;
    const ids = [1, 2, 3].map((n) => `${prefix}-${n}`);
    if (platform === 'facebook') fake.script('facebook', ...ids.map((id) => fake.replies.facebook.success(id)));
    if (platform === 'zalo') {
      fake.script('zalo', ...ids.map((id) => fake.replies.zalo.success(id)));
      fake.script('zalo_upload_image', fake.replies.zaloUploadImage.success('zatt-1'), fake.replies.zaloUploadImage.success('zatt-2'));
    }
    if (platform === 'tiktok') {
      fake.script('tiktok', ...ids.map((id) => fake.replies.tiktok.success(id)));
      fake.script('tiktok_upload', fake.replies.tiktokUpload.success('tmedia-1'), fake.replies.tiktokUpload.success('tmedia-2'));
    }
    return ids;
  }

  /** The echo each platform sends for one of our parts (no id of ours on Zalo and TikTok). */
  function echoOf(platform: Platform, thread: Thread, messageId: string, platformMessageId: string, text: string) {
    if (platform === 'facebook')
      return signedFacebookDelivery(
        facebookEcho({ pageId: thread.channel.externalId, psid: thread.userId, mid: platformMessageId, text, metadata: `crm:${messageId}` }),
      );
    if (platform === 'zalo')
      return signedZaloDelivery(zaloOaText({ oaId: thread.channel.externalId, userId: thread.userId, msgId: platformMessageId, text }));
    return signedTiktokDelivery(
      tiktokEcho({ businessId: thread.channel.externalId, userId: thread.userId, conversationId: thread.threadKey, messageId: platformMessageId, text }),
    );
  }

  it.each<Platform>(['facebook', 'zalo', 'tiktok'])(
    '%s: text + 2 images go out as 3 consecutive platform messages, pending → sent on the stream',
    async (platform) => {
      const { t, admin } = context;
      const thread = await openThread(context, platform);
      const partIds = scriptSuccess(platform, `${platform}-part`);
      const stream = await openSse(
        `${t.baseUrl}/api/events/stream?types=message_sent&conversationId=${thread.conversationId}`,
        admin.auth,
      );
      try {
        const message = await sendTextAndImages(thread);
        const frames = await stream.waitFor((seen) =>
          seen.some((frame) => frame.event === 'message_sent' && JSON.parse(frame.data ?? '{}').status === 'sent'),
        );
        const statuses = frames
          .filter((frame) => frame.event === 'message_sent')
          .map((frame) => JSON.parse(frame.data ?? '{}'))
          .filter((data) => data.id === message.id);
        expect(statuses.map((data) => data.status)).toEqual(['pending', 'sent']);
        expect(statuses[0].attachments).toEqual(message.attachments);
        expect(statuses[1]).toMatchObject({ platformMessageId: partIds[0], attachments: message.attachments });

        expect(callOrder()).toEqual(expectedCalls[platform]);
        checkPlatformBodies(platform, thread, message.id as string);
        expect((await messageParts(t, message.id as string)).map((part) => [part.kind, part.platform_message_id])).toEqual([
          ['text', partIds[0]],
          ['file', partIds[1]],
          ['file', partIds[2]],
        ]);

        // Echoes of every part are ours: no message is stored for them, nothing is announced.
        for (const [index, id] of partIds.entries())
          await deliver(t, echoOf(platform, thread, message.id as string, id, index === 0 ? TEXT : '')).expect(200);
        const stored = await agentMessages(t, thread.conversationId);
        expect(stored.map((row) => [row.id, row.status, row.platform_message_id])).toEqual([[message.id, 'sent', partIds[0]]]);
      } finally {
        stream.close();
      }
    },
  );

  it('a permanent failure of the second part fails the message; the third is never sent', async () => {
    const { t, fake } = context;
    const thread = await openThread(context, 'facebook');
    fake.script('facebook', fake.replies.facebook.success('fb-ok-1'), fake.replies.facebook.permanent());
    const message = await sendTextAndImages(thread);
    const failed = await waitForMessageStatus(t, message.id as string, ['failed']);
    expect(failed.error).toMatch(/^Facebook: .*\(part 2 of 3; the earlier parts were sent\)$/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(fake.requests('facebook')).toHaveLength(2);
    expect((await messageParts(t, message.id as string)).map((part) => part.platform_message_id)).toEqual(['fb-ok-1', null, null]);
  });

  it('a transient failure of a part is retried with backoff for that part only', async () => {
    const { t, fake } = context;
    const thread = await openThread(context, 'tiktok');
    fake.script('tiktok', fake.replies.tiktok.success('tt-1'));
    fake.script('tiktok_upload', fake.replies.serverError());
    const message = await sendTextAndImages(thread);
    await waitFor(async () => (await messageParts(t, message.id as string))[1]?.attempts === 1, 10_000, 'the failed attempt');
    await db(t).query(`UPDATE messages SET next_attempt_at = now() WHERE id = $1`, [message.id]);
    const sent = await waitForMessageStatus(t, message.id as string, ['sent']);
    expect(sent.platform_message_id).toBe('tt-1');
    expect(fake.requests('tiktok').map((request) => request.body.message_type)).toEqual(['TEXT', 'IMAGE', 'IMAGE']);
    expect(fake.requests('tiktok_upload')).toHaveLength(3);
    expect((await messageParts(t, message.id as string)).map((part) => part.attempts)).toEqual([1, 2, 1]);
  });

  it('delivery and read receipts for any part find the message, never moving it backwards', async () => {
    const { t } = context;
    const thread = await openThread(context, 'zalo');
    const partIds = scriptSuccess('zalo', uniqueId('zr'));
    const message = await sendTextAndImages(thread);
    await waitForMessageStatus(t, message.id as string, ['sent']);
    const oaId = thread.channel.externalId;
    await deliver(t, signedZaloDelivery(zaloReceived({ oaId, userId: thread.userId, msgId: partIds[2] }))).expect(200);
    await waitForMessageStatus(t, message.id as string, ['delivered']);
    await deliver(t, signedZaloDelivery(zaloSeen({ oaId, userId: thread.userId, msgIds: [partIds[1]] }))).expect(200);
    await waitForMessageStatus(t, message.id as string, ['read']);
    await deliver(t, signedZaloDelivery(zaloReceived({ oaId, userId: thread.userId, msgId: partIds[0] }))).expect(200);
    const [row] = await agentMessages(t, thread.conversationId);
    expect(row.status).toBe('read');
  });

  it('a receipt for a part that arrives while later parts are still going out applies once the message is sent', async () => {
    const { t, fake } = context;
    const thread = await openThread(context, 'zalo');
    let releaseLast!: () => void;
    const lastGate = new Promise<void>((resolve) => (releaseLast = resolve));
    fake.script(
      'zalo',
      fake.replies.zalo.success('zearly-1'),
      fake.replies.zalo.success('zearly-2'),
      async () => {
        await lastGate;
        return fake.replies.zalo.success('zearly-3');
      },
    );
    const message = await sendTextAndImages(thread);
    await fake.waitForRequests('zalo', 3);
    await deliver(
      t,
      signedZaloDelivery(zaloReceived({ oaId: thread.channel.externalId, userId: thread.userId, msgId: 'zearly-2' })),
    ).expect(200);
    expect((await agentMessages(t, thread.conversationId))[0].status).toBe('pending');
    releaseLast();
    const delivered = await waitForMessageStatus(t, message.id as string, ['delivered']);
    expect(delivered.platform_message_id).toBe('zearly-1');
  });
});
