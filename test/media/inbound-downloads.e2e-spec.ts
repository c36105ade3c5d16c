import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openSse } from '../support/sse-reader.js';
import { facebookImageMessage, signedFacebookDelivery } from '../support/webhook-signing.js';
import * as platform from '../platforms/platform-test-helpers.js';
import type { Loose, PlatformTestContext } from '../platforms/platform-test-helpers.js';

const { channelMessages, createPlatformChannel, db, deliver, startPlatformTest, stopPlatformTest, uniqueId, waitFor } = platform;
const { expectStoredAttachment, firstMessageUpdated } = platform;

const UPLOAD_MAX_BYTES = 64 * 1024;
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** A local CDN: an image, a redirect loop, an oversize file. */
function startCdn(): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/photo.png') {
      response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PNG.length });
      response.end(PNG);
    } else if (request.url?.startsWith('/loop')) {
      response.writeHead(302, { Location: '/loop' });
      response.end();
    } else if (request.url === '/huge.png') {
      // No Content-Length: the limit is enforced while reading.
      response.writeHead(200, { 'Content-Type': 'image/png' });
      response.write(PNG);
      response.end(Buffer.alloc(UPLOAD_MAX_BYTES * 2, 1));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

describe('media: inbound attachment downloads', () => {
  let context: PlatformTestContext;
  let cdn: Server;
  /** A second local server, not in MEDIA_FETCH_ALLOW_HOSTS: a private address that must never be fetched. */
  let internal: Server;
  let internalHits = 0;

  beforeAll(async () => {
    cdn = await startCdn();
    internal = createServer((_request, response) => {
      internalHits++;
      response.writeHead(200, { 'Content-Type': 'image/png' });
      response.end(PNG);
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', () => resolve()));
    context = await startPlatformTest({
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      MEDIA_FETCH_ALLOW_HOSTS: `127.0.0.1:${port(cdn)}`,
    });
  });
  afterAll(async () => {
    await stopPlatformTest(context);
    cdn.close();
    internal.close();
  });

  async function receiveImage(url: string): Promise<{ channelId: string }> {
    const channel = await createPlatformChannel(context, 'facebook');
    await deliver(
      context.t,
      signedFacebookDelivery(facebookImageMessage({ pageId: channel.externalId, psid: uniqueId(), mid: uniqueId('m_'), url })),
    ).expect(200);
    return { channelId: channel.id };
  }

  async function settled(channelId: string): Promise<Loose> {
    return waitFor(async () => {
      const pending: Loose[] = await db(context.t).query(
        `SELECT 1 FROM media_downloads d JOIN messages m ON m.id = d.message_id WHERE m.channel_id = $1`,
        [channelId],
      );
      if (pending.length > 0) return undefined;
      const [message] = await channelMessages(context.t, channelId);
      return message;
    }, 20_000);
  }

  it('downloads an inbound image, stores it and emits message_updated with the whole message', async () => {
    const stream = await openSse(`${context.t.baseUrl}/api/events/stream?types=message_updated`, context.admin.auth);
    try {
      const url = `http://127.0.0.1:${port(cdn)}/photo.png`;
      const { channelId } = await receiveImage(url);
      const data = await firstMessageUpdated(stream);
      const [attachment] = data.attachments;
      expectStoredAttachment(attachment, { type: 'image', name: 'photo.png', mimeType: 'image/png', size: PNG.length, originalUrl: url });
      expect(data.sender).toBe('customer');
      const [stored] = await channelMessages(context.t, channelId);
      expect(stored.attachments[0].mediaId).toBe(attachment.mediaId);

      const bytes = await context.t.http().get(attachment.url).set(context.admin.auth).buffer(true).expect(200);
      expect(Buffer.compare(bytes.body as Buffer, PNG)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it.each([
    ['a redirect loop', () => `http://127.0.0.1:${port(cdn)}/loop`],
    ['an oversize download', () => `http://127.0.0.1:${port(cdn)}/huge.png`],
    ['a private address outside the allow list', () => `http://127.0.0.1:${port(internal)}/secret.png`],
  ])('refuses %s and keeps originalUrl', async (_label, makeUrl) => {
    const url = makeUrl();
    const hitsBefore = internalHits;
    const { channelId } = await receiveImage(url);
    const message = await settled(channelId);
    expect(message.attachments[0]).toMatchObject({ type: 'image', url, originalUrl: url });
    expect(message.attachments[0].mediaId ?? null).toBeNull();
    const media: Loose[] = await db(context.t).query(`SELECT 1 FROM media WHERE message_id = $1`, [message.id]);
    expect(media).toHaveLength(0);
    expect(internalHits).toBe(hitsBefore);
  });
});
