/** Shared setup of the outbound-attachment tests: a conversation per platform, uploads, the stored rows. */
import {
  createPlatformChannel,
  db,
  deliver,
  uniqueId,
  type ChannelInfo,
  type Loose,
  type Platform,
  type PlatformTestContext,
} from '../platforms/platform-test-helpers.js';
import type { Session } from '../support/fixtures.js';
import type { TestApp } from '../support/test-app.js';
import {
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloUserText,
} from '../support/webhook-signing.js';

/** A 1×1 PNG; `pngImage(n)` is a different valid PNG per n (bytes after IEND). */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
export function pngImage(n: number, padding = 0): Buffer {
  return Buffer.concat([PNG, Buffer.from(`image ${n}`), Buffer.alloc(padding, 0x20)]);
}
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

export interface Thread {
  channel: ChannelInfo;
  conversationId: string;
  /** The customer's platform id (PSID, Zalo user id) or TikTok's conversation_id. */
  threadKey: string;
  userId: string;
}

/** A channel of the platform and a conversation on it, opened by a customer message through the webhook. */
export async function openThread(context: PlatformTestContext, platform: Platform): Promise<Thread> {
  const { t } = context;
  const channel = await createPlatformChannel(context, platform);
  const userId = uniqueId();
  const threadKey = platform === 'tiktok' ? uniqueId('conv_') : userId;
  const delivery =
    platform === 'facebook'
      ? signedFacebookDelivery(
          facebookTextMessage({ pageId: channel.externalId, psid: userId, mid: uniqueId('m_'), text: 'hello' }),
        )
      : platform === 'zalo'
        ? signedZaloDelivery(zaloUserText({ oaId: channel.externalId, userId, msgId: uniqueId(), text: 'hello' }))
        : signedTiktokDelivery(
            tiktokTextMessage({
              businessId: channel.externalId,
              userId,
              conversationId: threadKey,
              messageId: uniqueId('msg_'),
              text: 'hello',
            }),
          );
  await deliver(t, delivery).expect(200);
  const [conversation] = await db(t).query('SELECT id FROM conversations WHERE channel_id = $1', [channel.id]);
  return { channel, conversationId: conversation.id as string, threadKey, userId };
}

/** POST /api/uploads → the upload's id. */
export async function upload(t: TestApp, session: Session, bytes: Buffer, filename: string): Promise<string> {
  const response = await t
    .http()
    .post('/api/uploads')
    .set(session.auth)
    .attach('file', bytes, { filename, contentType: 'application/octet-stream' })
    .expect(201);
  return response.body.id as string;
}

export function postMessage(t: TestApp, session: Session, conversationId: string, body: Record<string, unknown>) {
  return t.http().post(`/api/conversations/${conversationId}/messages`).set(session.auth).send(body);
}

export async function agentMessages(t: TestApp, conversationId: string): Promise<Loose[]> {
  return db(t).query(
    `SELECT * FROM messages WHERE conversation_id = $1 AND sender = 'agent' ORDER BY created_at, id`,
    [conversationId],
  );
}

export async function messageParts(t: TestApp, messageId: string): Promise<Loose[]> {
  return db(t).query('SELECT * FROM message_parts WHERE message_id = $1 ORDER BY part_index', [messageId]);
}

export async function mediaRow(t: TestApp, mediaId: string): Promise<Loose> {
  const [row] = await db(t).query('SELECT * FROM media WHERE id = $1', [mediaId]);
  return row;
}
