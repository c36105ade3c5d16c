/**
 * The platform upload clients over real HTTP against the platform fake: the exact upload request, its
 * multipart body (the file's bytes streamed through unchanged) and the send that follows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import type { AppConfig } from '../../src/config/app-config.js';
import { FacebookAdapter } from '../../src/platforms/facebook/facebook.adapter.js';
import type { OutboundMediaFile, OutboundTarget } from '../../src/platforms/platform-adapter.js';
import { TiktokAdapter } from '../../src/platforms/tiktok/tiktok.adapter.js';
import { ZaloAdapter } from '../../src/platforms/zalo/zalo.adapter.js';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';

/** Bytes that are not valid UTF-8, delivered in several chunks: what arrives must be exactly these. */
const PNG_BYTES = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(70_000, 0xff),
  Buffer.from('\r\n--not-a-boundary\r\n'),
]);

function file(
  kind: OutboundMediaFile['kind'],
  bytes: Buffer,
  name: string,
  mimeType: string,
): OutboundMediaFile {
  return {
    kind,
    name,
    mimeType,
    size: bytes.length,
    open: () =>
      Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000, 40_000), bytes.subarray(40_000)]),
  };
}

const target: OutboundTarget = {
  messageId: '0b0e5f4c-6d8e-4a59-9f57-1f0b8c2a7e11',
  channelExternalId: 'biz-7001',
  threadKey: 'thread-42',
  content: '',
};

describe('platform upload clients', () => {
  let fake: FakePlatforms;
  let config: AppConfig;

  beforeAll(async () => {
    fake = await startFakePlatforms();
    const env = fake.env();
    config = {
      facebookGraphUrl: env.FACEBOOK_GRAPH_URL,
      zaloApiUrl: env.ZALO_API_URL,
      tiktokApiUrl: env.TIKTOK_API_URL,
    } as AppConfig;
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('facebook: one multipart Send API call with recipient, message (attachment type) and filedata', async () => {
    fake.script('facebook', fake.replies.facebook.success('m_image_1'));
    const adapter = new FacebookAdapter(config);
    const result = await adapter.sendFile(
      { pageAccessToken: 'page-token-1', appSecret: 'app-secret-1', verifyToken: 'v' },
      { ...target, humanAgentTag: true },
      file('image', PNG_BYTES, 'photo.png', 'image/png'),
    );
    expect(result).toEqual({ ok: true, platformMessageId: 'm_image_1' });
    const [request] = fake.requests('facebook');
    expect(fake.requests()).toHaveLength(1);
    expect(request.path).toBe('/me/messages');
    expect(request.query.get('access_token')).toBe('page-token-1');
    expect(request.headers['content-length']).toBe(String(request.rawBytes.length));
    const parts = request.multipart!;
    expect(parts.map((part) => part.name)).toEqual([
      'recipient',
      'messaging_type',
      'tag',
      'message',
      'filedata',
    ]);
    expect(JSON.parse(parts[0].value)).toEqual({ id: 'thread-42' });
    expect(parts[1].value).toBe('MESSAGE_TAG');
    expect(parts[2].value).toBe('HUMAN_AGENT');
    expect(JSON.parse(parts[3].value)).toEqual({
      attachment: { type: 'image', payload: { is_reusable: false } },
      metadata: expect.stringContaining(target.messageId),
    });
    expect(parts[4]).toMatchObject({ filename: 'photo.png', contentType: 'image/png' });
    expect(parts[4].data.equals(PNG_BYTES)).toBe(true);
  });

  it('zalo image: upload/image with the file → attachment_id, then a media template send', async () => {
    fake.script('zalo_upload_image', fake.replies.zaloUploadImage.success('zatt-9'));
    fake.script('zalo', fake.replies.zalo.success('zmsg-9'));
    const adapter = new ZaloAdapter(config);
    const result = await adapter.sendFile(
      { accessToken: 'zalo-token-1', oaSecretKey: 'oa-secret', appId: 'app' },
      target,
      file('image', PNG_BYTES, 'photo.png', 'image/png'),
    );
    expect(result).toEqual({ ok: true, platformMessageId: 'zmsg-9' });
    expect(fake.requests().map((request) => request.platform)).toEqual(['zalo_upload_image', 'zalo']);
    const [upload, send] = fake.requests();
    expect(upload.headers.access_token).toBe('zalo-token-1');
    expect(upload.multipart!.map((part) => part.name)).toEqual(['file']);
    expect(upload.multipart![0].data.equals(PNG_BYTES)).toBe(true);
    expect(send.body).toEqual({
      recipient: { user_id: 'thread-42' },
      message: {
        attachment: {
          type: 'template',
          payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: 'zatt-9' }] },
        },
      },
    });
  });

  it('zalo file: upload/file → token, then a file send; a failed upload sends nothing', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');
    fake.script('zalo_upload_file', fake.replies.zaloUploadFile.success('ztoken-3'));
    const adapter = new ZaloAdapter(config);
    const credentials = { accessToken: 'zalo-token-1', oaSecretKey: 'oa-secret', appId: 'app' } as never;
    const result = await adapter.sendFile(
      credentials,
      target,
      file('file', pdf, 'quote.pdf', 'application/pdf'),
    );
    expect(result).toEqual({ ok: true, platformMessageId: expect.any(String) });
    const [upload, send] = fake.requests();
    expect(upload.platform).toBe('zalo_upload_file');
    expect(upload.multipart![0]).toMatchObject({
      name: 'file',
      filename: 'quote.pdf',
      contentType: 'application/pdf',
    });
    expect(upload.multipart![0].data.equals(pdf)).toBe(true);
    expect(send.body.message).toEqual({ attachment: { type: 'file', payload: { token: 'ztoken-3' } } });

    fake.reset();
    fake.script('zalo_upload_file', fake.replies.zalo.permanent());
    const failed = await adapter.sendFile(
      credentials,
      target,
      file('file', pdf, 'quote.pdf', 'application/pdf'),
    );
    expect(failed).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('upload') });
    expect(fake.requests('zalo')).toHaveLength(0);
  });

  it('tiktok: media/upload with business_id, media_type=IMAGE and file → media_id, then an IMAGE send', async () => {
    fake.script('tiktok_upload', fake.replies.tiktokUpload.success('v0media-5'));
    fake.script('tiktok', fake.replies.tiktok.success('msg-5'));
    const adapter = new TiktokAdapter(config);
    const result = await adapter.sendFile(
      { accessToken: 'tt-token-1', appSecret: 'tt-secret' },
      target,
      file('image', PNG_BYTES, 'photo.png', 'image/png'),
    );
    expect(result).toEqual({ ok: true, platformMessageId: 'msg-5' });
    const [upload, send] = fake.requests();
    expect(upload.platform).toBe('tiktok_upload');
    expect(upload.headers['access-token']).toBe('tt-token-1');
    const parts = upload.multipart!;
    expect(parts.map((part) => [part.name, part.filename === null ? part.value : part.filename])).toEqual([
      ['business_id', 'biz-7001'],
      ['media_type', 'IMAGE'],
      ['file', 'photo.png'],
    ]);
    expect(parts[2].data.equals(PNG_BYTES)).toBe(true);
    expect(send.platform).toBe('tiktok');
    expect(send.body).toEqual({
      business_id: 'biz-7001',
      recipient_type: 'CONVERSATION',
      recipient: 'thread-42',
      message_type: 'IMAGE',
      image: { media_id: 'v0media-5' },
    });
  });

  it('a refused upload is a failure with the platform reason and no token in it', async () => {
    fake.script('tiktok_upload', fake.replies.tiktokUpload.unsupported());
    const result = await new TiktokAdapter(config).sendFile(
      { accessToken: 'tt-token-secret', appSecret: 'tt-secret' },
      target,
      file('image', PNG_BYTES, 'photo.png', 'image/png'),
    );
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('tt-token-secret');
    expect(fake.requests('tiktok')).toHaveLength(0);
  });
});
