import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { openSse } from '../support/sse-reader.js';
import { FAKE_SECRETS, signedTiktokDelivery, tiktokImageMessage } from '../support/webhook-signing.js';
import {
  channelMessages,
  createPlatformChannel,
  db,
  deliver,
  expectStoredAttachment,
  firstMessageUpdated,
  uniqueId,
  usePlatformTest,
  waitFor,
  type ChannelInfo,
  type Loose,
} from '../platforms/platform-test-helpers.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const TOKEN = FAKE_SECRETS.tiktok.accessToken;
/** Attempts the downloader makes before it gives up (media-downloader.service.ts). */
const MAX_ATTEMPTS = 5;

/** What the downloader calls a TikTok photo that arrives without a name: kind, media id's tail, stored type. */
function photoName(mediaId: string): string {
  return `photo-${mediaId.slice(-6)}.png`;
}

/** A local server answering every GET with `answer`, keeping the headers it was sent. */
async function startRecordingServer(
  answer: (response: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; host: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** TikTok inbound media: a `media_id` in the webhook, fetched through the Business API's media download. */
describe('media: TikTok inbound media by id', () => {
  let logs: LogCapture | undefined;
  /** Another origin's CDN, and a host of TikTok's that redirects there. */
  let elsewhere: Awaited<ReturnType<typeof startRecordingServer>>;
  let redirecting: Awaited<ReturnType<typeof startRecordingServer>>;

  beforeAll(async () => {
    elsewhere = await startRecordingServer((response) =>
      response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PNG.length }).end(PNG),
    );
    redirecting = await startRecordingServer((response) =>
      response.writeHead(302, { Location: `http://${elsewhere.host}/photo.png` }).end(),
    );
  });
  // The fake serves the download URLs it hands out on its own (loopback) address.
  const context = usePlatformTest((fake) => ({
    MEDIA_FETCH_ALLOW_HOSTS: [new URL(fake.url).host, elsewhere.host, redirecting.host].join(','),
  }));
  afterEach(() => {
    logs?.stop();
    logs = undefined;
  });
  afterAll(() => {
    elsewhere.server.close();
    redirecting.server.close();
  });

  interface Received {
    channel: ChannelInfo;
    mediaId: string;
    conversationId: string;
    messageId: string;
  }

  /**
   * A signed `im_receive_msg` with an image; the fake knows the media id when `served`, and names the file in
   * Content-Disposition when given a `fileName`.
   */
  async function receiveImage(options: { served: boolean; channel?: ChannelInfo; fileName?: string }): Promise<Received> {
    const channel = options.channel ?? (await createPlatformChannel(context, 'tiktok'));
    const mediaId = uniqueId('v0media');
    if (options.served)
      context.fake.serveFile(mediaId, { contentType: 'image/png', body: PNG, fileName: options.fileName });
    const conversationId = `conv+${uniqueId()}==`;
    const messageId = uniqueId('msg_');
    await deliver(
      context.t,
      signedTiktokDelivery(
        tiktokImageMessage({ businessId: channel.externalId, userId: uniqueId(), conversationId, messageId, mediaId }),
      ),
    ).expect(200);
    return { channel, mediaId, conversationId, messageId };
  }

  async function pendingDownloads(channelId: string): Promise<Loose[]> {
    return db(context.t).query(
      `SELECT d.* FROM media_downloads d JOIN messages m ON m.id = d.message_id WHERE m.channel_id = $1`,
      [channelId],
    );
  }

  /**
   * The channel's only message once its download is settled (stored or given up). `skipBackoff`: retries are
   * made due at once instead of after their backoff (leased, in-flight attempts keep their lease).
   */
  async function settled(channelId: string, options: { skipBackoff?: boolean } = {}): Promise<Loose> {
    return waitFor(
      async () => {
        if (options.skipBackoff)
          await db(context.t).query(
            `UPDATE media_downloads d SET next_attempt_at = now() FROM messages m
              WHERE m.id = d.message_id AND m.channel_id = $1 AND d.next_attempt_at < now() + interval '30 seconds'`,
            [channelId],
          );
        if ((await pendingDownloads(channelId)).length > 0) return undefined;
        const [message] = await channelMessages(context.t, channelId);
        return message;
      },
      30_000,
      'the download to settle',
    );
  }

  function expectNoToken(value: unknown): void {
    expect(JSON.stringify(value)).not.toContain(TOKEN);
  }

  it('downloads the image through the media download API and serves it as stored media', async () => {
    logs = captureLogs(context.t);
    const stream = await openSse(`${context.t.baseUrl}/api/events/stream?types=message_updated`, context.admin.auth);
    try {
      const { channel, mediaId, conversationId, messageId } = await receiveImage({ served: true });
      const data = await firstMessageUpdated(stream);
      const [attachment] = data.attachments;
      const reference = `tiktok-media:${mediaId}`;
      expectStoredAttachment(attachment, { type: 'image', name: photoName(mediaId), mimeType: 'image/png', size: PNG.length, originalUrl: reference });
      expect(data).toMatchObject({ sender: 'customer', platformMessageId: messageId });

      const [download] = context.fake.requests('tiktok_media');
      expect(download.headers['access-token']).toBe(TOKEN);
      expect(download.body).toEqual({
        business_id: channel.externalId,
        conversation_id: conversationId,
        message_id: messageId,
        media_id: mediaId,
        media_type: 'IMAGE',
      });
      const [file] = context.fake.requests('tiktok_cdn');
      expect(file.headers['x-user']).toBe(TOKEN);

      const served = await context.t.http().get(attachment.url).set(context.admin.auth).buffer(true).expect(200);
      expect(served.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);

      const [stored] = await channelMessages(context.t, channel.id);
      expect(stored.attachments).toEqual(data.attachments);
      expectNoToken(stored);
      expect(logs.text()).not.toContain(TOKEN);
    } finally {
      stream.close();
    }
  });

  it('sends the token only to the download URL, never after a redirect to another host', async () => {
    context.fake.script('tiktok_media', context.fake.replies.tiktokMedia.success(`http://${redirecting.host}/media`));
    const { channel, mediaId } = await receiveImage({ served: false });
    const message = await settled(channel.id);
    expect(message.attachments[0]).toMatchObject({ name: photoName(mediaId), mimeType: 'image/png', size: PNG.length });
    expect(redirecting.seen.at(-1)?.['x-user']).toBe(TOKEN);
    expect(elsewhere.seen.at(-1)).toBeDefined();
    expect(elsewhere.seen.at(-1)?.['x-user']).toBeUndefined();
  });

  it('names the file as the download response does, when it gives a name', async () => {
    const { channel } = await receiveImage({ served: true, fileName: 'áo dài.png' });
    const message = await settled(channel.id);
    expect(message.attachments[0]).toMatchObject({ name: 'áo dài.png', mimeType: 'image/png', size: PNG.length });
  });

  it('retries a download TikTok answers with a transient error, then gives up keeping the reference', async () => {
    logs = captureLogs(context.t);
    context.fake.setDefault('tiktok_media', context.fake.replies.tiktok.transient());
    const { channel, mediaId } = await receiveImage({ served: true });
    const message = await settled(channel.id, { skipBackoff: true });
    expect(context.fake.requests('tiktok_media')).toHaveLength(MAX_ATTEMPTS);
    expect(context.fake.requests('tiktok_cdn')).toHaveLength(0);
    const reference = `tiktok-media:${mediaId}`;
    expect(message.attachments[0]).toMatchObject({ type: 'image', url: reference, originalUrl: reference });
    expect(message.attachments[0].mediaId ?? null).toBeNull();
    expect(await db(context.t).query(`SELECT 1 FROM media WHERE message_id = $1`, [message.id])).toHaveLength(0);
    expect(logs.text()).toContain(`inbound attachment of message ${message.id} not downloaded`);
    expect(logs.text()).toContain('temporary system error at TikTok');
    expect(logs.text()).not.toContain(TOKEN);
    expectNoToken(message);
  });

  it('gives up at once on a media id TikTok does not know', async () => {
    const { channel, mediaId } = await receiveImage({ served: false });
    const message = await settled(channel.id);
    expect(context.fake.requests('tiktok_media')).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({ url: `tiktok-media:${mediaId}`, originalUrl: `tiktok-media:${mediaId}` });
    expect(message.attachments[0].mediaId ?? null).toBeNull();
  });

  it('on a refused token marks the channel needs_reconnect, waits, and downloads once new credentials are set', async () => {
    logs = captureLogs(context.t);
    context.fake.setDefault('tiktok_media', context.fake.replies.tiktok.invalidToken());
    const { channel, mediaId } = await receiveImage({ served: true });
    const needsReconnect = await waitFor(
      async () => {
        const [row]: Loose[] = await db(context.t).query(`SELECT status, status_reason FROM channels WHERE id = $1`, [
          channel.id,
        ]);
        return row.status === 'needs_reconnect' ? row : undefined;
      },
      20_000,
      'the channel to need reconnecting',
    );
    expect(needsReconnect.status_reason).toContain('the access token is invalid');
    // Waiting, not failed: the row stays queued and has not spent its attempts.
    const [waiting] = await pendingDownloads(channel.id);
    expect(waiting.attempts).toBe(0);
    expect(waiting.last_error).not.toContain(TOKEN);
    expect(context.fake.requests('tiktok_media')).toHaveLength(1);

    context.fake.reset();
    const newToken = `tiktok_new_token_${uniqueId()}`;
    await context.t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(context.admin.auth)
      .send({ credentials: { ...FAKE_SECRETS.tiktok, accessToken: newToken } })
      .expect(200);
    const message = await settled(channel.id);
    expect(message.attachments[0]).toMatchObject({ name: photoName(mediaId), mimeType: 'image/png', size: PNG.length });
    expect(context.fake.requests('tiktok_media')[0].headers['access-token']).toBe(newToken);
    expect(context.fake.requests('tiktok_cdn')[0].headers['x-user']).toBe(newToken);
    expect(JSON.stringify(message)).not.toContain(newToken);
    expect(logs.text()).not.toContain(TOKEN);
    expect(logs.text()).not.toContain(newToken);
  });
});
