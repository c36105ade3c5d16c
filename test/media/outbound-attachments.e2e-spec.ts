/**
 * Sending attachments: what POST /api/conversations/:id/messages checks before anything is stored (the uploads,
 * each platform's limits), the stored attachment shape, and idempotency with attachments.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { setChannelMembers } from '../support/inbox-fixtures.js';
import {
  startPlatformTest,
  stopPlatformTest,
  waitForMessageStatus,
  type PlatformTestContext,
} from '../platforms/platform-test-helpers.js';
import {
  agentMessages,
  mediaRow,
  messageParts,
  openThread,
  PDF,
  pngImage,
  postMessage,
  upload,
  type Thread,
} from './outbound-helpers.js';

describe('outbound attachments: validation before anything is stored', () => {
  let context: PlatformTestContext;
  let facebook: Thread;
  let zalo: Thread;
  let tiktok: Thread;
  let agent: Session;
  let otherAgent: Session;

  beforeAll(async () => {
    context = await startPlatformTest();
    facebook = await openThread(context, 'facebook');
    zalo = await openThread(context, 'zalo');
    tiktok = await openThread(context, 'tiktok');
    agent = await createUser(context.t, context.admin);
    otherAgent = await createUser(context.t, context.admin);
    for (const thread of [facebook, zalo, tiktok])
      await setChannelMembers(context.t, context.admin, thread.channel.id, [agent.user.id, otherAgent.user.id]);
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });
  beforeEach(() => context.fake.reset());

  /** Nothing stored and nothing sent: no agent message, no platform call, the upload still unsent. */
  async function expectNothingStored(thread: Thread, uploadIds: string[]): Promise<void> {
    expect(await agentMessages(context.t, thread.conversationId)).toEqual([]);
    for (const id of uploadIds) expect((await mediaRow(context.t, id)).message_id).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(context.fake.requests()).toEqual([]);
  }

  it('400 for neither text nor attachment, and for malformed attachmentIds', async () => {
    const { t } = context;
    const image = await upload(t, agent, pngImage(1), 'a.png');
    const bodies: Array<Record<string, unknown>> = [
      {},
      { content: '   ' },
      { attachmentIds: [] },
      { content: '', attachmentIds: [] },
      { attachmentIds: ['not-a-uuid'] },
      { attachmentIds: image },
      { attachmentIds: [image, image] },
      { attachmentIds: Array.from({ length: 11 }, () => image) },
    ];
    for (const body of bodies) {
      const response = await postMessage(t, agent, facebook.conversationId, body).expect(400);
      expect(JSON.stringify(response.body.message)).toMatch(/content|attachmentIds/);
    }
    await expectNothingStored(facebook, [image]);
  });

  it("400 for someone else's upload, another workspace's, an unknown one and one already sent", async () => {
    const { t } = context;
    const theirs = await upload(t, otherAgent, pngImage(2), 'theirs.png');
    const elsewhere = await signupWorkspace(t, 'Elsewhere');
    const foreign = await upload(t, elsewhere, pngImage(3), 'foreign.png');
    const unknown = '4f0c1a2e-8b7d-4c3e-9a1f-2b3c4d5e6f70';
    for (const id of [theirs, foreign, unknown]) {
      const response = await postMessage(t, agent, facebook.conversationId, {
        content: 'look',
        attachmentIds: [id],
      }).expect(400);
      expect(response.body.message).toContain(id);
      expect(response.body.message).toMatch(/cannot be attached/);
    }
    await expectNothingStored(facebook, [theirs, foreign]);

    // The refused upload is still usable by its uploader; once sent it cannot be sent again.
    const sent = await postMessage(t, otherAgent, facebook.conversationId, { attachmentIds: [theirs] }).expect(202);
    expect((await mediaRow(t, theirs)).message_id).toBe(sent.body.id);
    const again = await postMessage(t, otherAgent, facebook.conversationId, { attachmentIds: [theirs] }).expect(400);
    expect(again.body.message).toContain(theirs);
    await waitForMessageStatus(t, sent.body.id as string, ['sent']);
    expect(await agentMessages(t, facebook.conversationId)).toHaveLength(1);
  });

  it('422 for a PDF on TikTok, with nothing stored and the upload still usable', async () => {
    const { t } = context;
    const pdf = await upload(t, agent, PDF, 'terms.pdf');
    const response = await postMessage(t, agent, tiktok.conversationId, {
      content: 'the terms',
      attachmentIds: [pdf],
    }).expect(422);
    expect(response.body.message).toBe('terms.pdf: TikTok accepts only JPG and PNG images');
    await expectNothingStored(tiktok, [pdf]);
    // The same file is fine on Facebook.
    const accepted = await postMessage(t, agent, facebook.conversationId, { attachmentIds: [pdf] }).expect(202);
    await waitForMessageStatus(t, accepted.body.id as string, ['sent']);
    expect(context.fake.requests('facebook')[0].multipart?.find((part) => part.name === 'filedata')?.contentType).toBe(
      'application/pdf',
    );
  });

  it('422 for an image over Zalo’s 1 MB, with nothing stored (also not the other, valid image)', async () => {
    const { t } = context;
    const small = await upload(t, agent, pngImage(4), 'small.png');
    const large = await upload(t, agent, pngImage(5, 1024 * 1024), 'large.png');
    const response = await postMessage(t, agent, zalo.conversationId, {
      content: 'two photos',
      attachmentIds: [small, large],
    }).expect(422);
    expect(response.body.message).toBe('large.png: Zalo accepts images up to 1 MB');
    await expectNothingStored(zalo, [small, large]);
  });

  it('the same clientMessageId twice with attachments: one message, its parts sent once', async () => {
    const { t, fake } = context;
    const images = [await upload(t, agent, pngImage(6), 'one.png'), await upload(t, agent, pngImage(7), 'two.png')];
    const body = { content: 'both photos', attachmentIds: images, clientMessageId: 'attach-once' };
    const first = await postMessage(t, agent, zalo.conversationId, body).expect(202);
    const second = await postMessage(t, agent, zalo.conversationId, body).expect(202);
    expect(second.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({ status: 'pending', content: 'both photos', clientMessageId: 'attach-once' });
    expect(first.body.attachments).toEqual(
      images.map((id, index) => ({
        type: 'image',
        url: `/api/media/${id}`,
        mediaId: id,
        name: ['one.png', 'two.png'][index],
        mimeType: 'image/png',
        size: pngImage(6 + index).length,
        originalUrl: null,
      })),
    );
    await waitForMessageStatus(t, first.body.id as string, ['sent']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await agentMessages(t, zalo.conversationId)).toHaveLength(1);
    expect(await messageParts(t, first.body.id as string)).toHaveLength(3);
    expect(fake.requests('zalo')).toHaveLength(3);
    expect(fake.requests('zalo_upload_image')).toHaveLength(2);
  });

  it('files alone: no text part, blank text beside files is no text', async () => {
    const { t, fake } = context;
    const image = await upload(t, agent, pngImage(8), 'alone.png');
    const response = await postMessage(t, agent, tiktok.conversationId, {
      content: '  ',
      attachmentIds: [image],
    }).expect(202);
    expect(response.body.content).toBe('');
    const sent = await waitForMessageStatus(t, response.body.id as string, ['sent']);
    const parts = await messageParts(t, response.body.id as string);
    expect(parts.map((part) => part.kind)).toEqual(['file']);
    expect(fake.requests('tiktok').map((request) => request.body.message_type)).toEqual(['IMAGE']);
    expect(sent.platform_message_id).toBe(parts[0].platform_message_id);
  });
});
