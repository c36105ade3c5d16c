/**
 * TikTok allows 10 business messages per customer message. A reply with text and attachments goes out as one
 * platform message per part, so the cap counts parts: checked before anything is stored, given back by the parts
 * that never went out, and announced on the stream. Real HTTP to the platform fake, a real SSE client.
 */
import { describe, expect, it } from '@jest/globals';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { agentMessages, openThread, pngImage, postMessage, upload, type Thread } from '../media/outbound-helpers.js';
import { usePlatformTest, waitForMessageStatus, type Loose } from './platform-test-helpers.js';

describe('TikTok: the 10-message reply cap counts platform messages', () => {
  const context = usePlatformTest();

  async function uploads(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) ids.push(await upload(context.t, context.admin, pngImage(n), `photo-${n}.png`));
    return ids;
  }

  async function remaining(thread: Thread): Promise<number | null> {
    const response = await context.t
      .http()
      .get(`/api/conversations/${thread.conversationId}`)
      .set(context.admin.auth)
      .expect(200);
    return response.body.replyWindow.remaining as number | null;
  }

  /** The `replyWindow.remaining` of each conversation_updated of the thread the stream has seen, in order. */
  function announcedRemaining(stream: SseReader, thread: Thread): number[] {
    return stream
      .events()
      .filter((frame) => frame.event === 'conversation_updated')
      .map((frame): Loose => JSON.parse(frame.data!))
      .filter((conversation) => conversation.id === thread.conversationId)
      .map((conversation) => conversation.replyWindow.remaining as number);
  }

  async function openStream(thread: Thread): Promise<SseReader> {
    return openSse(
      `${context.t.baseUrl}/api/events/stream?types=conversation_updated&conversationId=${thread.conversationId}`,
      context.admin.auth,
    );
  }

  it('counts each part, and refuses with 422 a reply with more parts than are left, storing nothing', async () => {
    const thread = await openThread(context, 'tiktok');
    const stream = await openStream(thread);
    try {
      expect(await remaining(thread)).toBe(10);
      // Text and two photos: three TikTok messages.
      const first = await postMessage(context.t, context.admin, thread.conversationId, {
        content: 'Both colours',
        attachmentIds: await uploads(2),
      }).expect(202);
      await waitForMessageStatus(context.t, first.body.id, ['sent']);
      expect(await remaining(thread)).toBe(7);
      await stream.waitFor(() => announcedRemaining(stream, thread).includes(7));

      for (let n = 0; n < 5; n++)
        await postMessage(context.t, context.admin, thread.conversationId, { content: `line ${n}` }).expect(202);
      expect(await remaining(thread)).toBe(2);

      const before = await agentMessages(context.t, thread.conversationId);
      const photos = await uploads(2);
      const refused = await postMessage(context.t, context.admin, thread.conversationId, {
        content: 'And these',
        attachmentIds: photos,
      }).expect(422);
      expect(refused.body.message).toBe(
        'This reply goes out as 3 messages (its text and each attachment), but TikTok allows only 2 messages more until the customer writes again',
      );
      expect(await agentMessages(context.t, thread.conversationId)).toHaveLength(before.length);
      expect(await remaining(thread)).toBe(2);

      // The same photos without the text fit exactly; then the window is spent.
      const fits = await postMessage(context.t, context.admin, thread.conversationId, { attachmentIds: photos }).expect(
        202,
      );
      expect(fits.body.attachments).toHaveLength(2);
      expect(await remaining(thread)).toBe(0);
      await waitForMessageStatus(context.t, fits.body.id, ['sent']);
      await stream.waitFor(() => announcedRemaining(stream, thread).includes(0));
      await postMessage(context.t, context.admin, thread.conversationId, { content: 'one more' }).expect(422);
    } finally {
      stream.close();
    }
  });

  it('gives back the slots of the parts that never went out when a part fails, and announces it', async () => {
    const thread = await openThread(context, 'tiktok');
    const stream = await openStream(thread);
    try {
      // The text and the first photo are accepted, the second photo is refused for good.
      context.fake.script(
        'tiktok',
        context.fake.replies.tiktok.success(),
        context.fake.replies.tiktok.success(),
        context.fake.replies.tiktok.permanent(),
      );
      const reply = await postMessage(context.t, context.admin, thread.conversationId, {
        content: 'Three parts',
        attachmentIds: await uploads(2),
      }).expect(202);
      await stream.waitFor(() => announcedRemaining(stream, thread).includes(7));
      const failed = await waitForMessageStatus(context.t, reply.body.id, ['failed']);
      expect(failed.error).toContain('part 3 of 3; the earlier parts were sent');
      const sends = context.fake.requests('tiktok').filter((request) => request.body.recipient === thread.threadKey);
      expect(sends.map((request) => request.body.message_type)).toEqual(['TEXT', 'IMAGE', 'IMAGE']);
      // Two of the three went out: they still count.
      expect(await remaining(thread)).toBe(8);
      await stream.waitFor(() => announcedRemaining(stream, thread).includes(8));
      expect(announcedRemaining(stream, thread)).toEqual([7, 8]);
    } finally {
      stream.close();
    }
  });

  it('gives back every slot of a reply whose first part fails', async () => {
    const thread = await openThread(context, 'tiktok');
    // Refused a moment later, so the count taken when queued can be seen first.
    context.fake.script('tiktok', { status: 200, body: { code: 40064, message: 'Blocked' }, delayMs: 500 });
    const reply = await postMessage(context.t, context.admin, thread.conversationId, {
      content: 'Two parts',
      attachmentIds: await uploads(1),
    }).expect(202);
    expect(await remaining(thread)).toBe(8);
    await waitForMessageStatus(context.t, reply.body.id, ['failed']);
    expect(await remaining(thread)).toBe(10);
  });
});
