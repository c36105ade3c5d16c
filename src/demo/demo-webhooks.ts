import {
  facebookAttachmentMessage,
  facebookDelivery,
  facebookEcho,
  facebookRead,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokEcho,
  tiktokImageMessage,
  tiktokRead,
  tiktokTextMessage,
  zaloOaText,
  zaloReceived,
  zaloSeen,
  zaloUserImage,
  zaloUserText,
  type SignedDelivery,
} from '../dev/webhook-signing.js';
import { DEMO_CHANNELS, type DemoCustomer } from './demo-cast.js';

/** A Zalo admin id: replies typed in Zalo's own tools carry one (ours, through the API, do not). */
const ZALO_ADMIN_ID = '5561742387160201';
const WEBHOOK_TIMEOUT_MS = 10_000;

const FACEBOOK_PAGE = DEMO_CHANNELS.facebook.externalId;
const ZALO_OA = DEMO_CHANNELS.zalo.externalId;
const TIKTOK_BUSINESS = DEMO_CHANNELS.tiktok.externalId;

export interface CustomerMessage {
  id: string;
  text: string;
  /**
   * An attachment the fake serves (Facebook: image or file at `url`; Zalo: image at `url` with `text` as its
   * caption; TikTok: image by media id, the file's `name`, without the text: TikTok carries one or the other).
   */
  attachment?: { type: 'image' | 'file'; url: string; name: string };
  timestamp?: number;
}

/** A customer writing in, as their platform delivers it (signed with the channel's secret). */
export function customerMessageDelivery(customer: DemoCustomer, message: CustomerMessage): SignedDelivery {
  const { id, text, attachment, timestamp } = message;
  switch (customer.platform) {
    case 'facebook':
      return signedFacebookDelivery(
        attachment
          ? facebookAttachmentMessage({
              pageId: FACEBOOK_PAGE,
              psid: customer.userId,
              mid: id,
              ...attachment,
              timestamp,
            })
          : facebookTextMessage({ pageId: FACEBOOK_PAGE, psid: customer.userId, mid: id, text, timestamp }),
      );
    case 'zalo':
      return signedZaloDelivery(
        attachment
          ? zaloUserImage({
              oaId: ZALO_OA,
              userId: customer.userId,
              msgId: id,
              url: attachment.url,
              caption: text,
              timestamp,
            })
          : zaloUserText({ oaId: ZALO_OA, userId: customer.userId, msgId: id, text, timestamp }),
      );
    case 'tiktok':
      return signedTiktokDelivery(
        attachment?.type === 'image'
          ? tiktokImageMessage({
              businessId: TIKTOK_BUSINESS,
              userId: customer.userId,
              conversationId: threadOf(customer),
              messageId: id,
              mediaId: attachment.name,
              username: customer.username,
              timestamp,
            })
          : tiktokTextMessage({
              businessId: TIKTOK_BUSINESS,
              userId: customer.userId,
              conversationId: threadOf(customer),
              messageId: id,
              text,
              username: customer.username,
              timestamp,
            }),
      );
  }
}

/** A reply the shop typed in the platform's own tools: the platform echoes it to the webhook. */
export function shopReplyDelivery(
  customer: DemoCustomer,
  id: string,
  text: string,
  timestamp: number,
): SignedDelivery {
  switch (customer.platform) {
    case 'facebook':
      return signedFacebookDelivery(
        facebookEcho({ pageId: FACEBOOK_PAGE, psid: customer.userId, mid: id, text, timestamp }),
      );
    case 'zalo':
      return signedZaloDelivery(
        zaloOaText({
          oaId: ZALO_OA,
          userId: customer.userId,
          msgId: id,
          text,
          adminId: ZALO_ADMIN_ID,
          timestamp,
        }),
      );
    case 'tiktok':
      return signedTiktokDelivery(
        tiktokEcho({
          businessId: TIKTOK_BUSINESS,
          userId: customer.userId,
          conversationId: threadOf(customer),
          messageId: id,
          text,
          source: 'APP',
          timestamp,
        }),
      );
  }
}

/** Where a reply landed, as the platform fake learns it from the send request and its own answer. */
export interface SentReply {
  platform: DemoCustomer['platform'];
  /** PSID, Zalo user id, or TikTok conversation id. */
  recipient: string;
  platformMessageId: string;
}

/** The delivery receipt of a reply; TikTok reports reads only, so it has none. */
export function deliveredReceipt(reply: SentReply): SignedDelivery | null {
  switch (reply.platform) {
    case 'facebook':
      return signedFacebookDelivery(
        facebookDelivery({
          pageId: FACEBOOK_PAGE,
          psid: reply.recipient,
          watermark: Date.now(),
          mids: [reply.platformMessageId],
        }),
      );
    case 'zalo':
      return signedZaloDelivery(
        zaloReceived({ oaId: ZALO_OA, userId: reply.recipient, msgId: reply.platformMessageId }),
      );
    case 'tiktok':
      return null;
  }
}

/** The read receipt of a reply (Facebook and TikTok by watermark, Zalo by message id). */
export function readReceipt(reply: SentReply, customerOfThread: (thread: string) => string): SignedDelivery {
  switch (reply.platform) {
    case 'facebook':
      return signedFacebookDelivery(
        facebookRead({ pageId: FACEBOOK_PAGE, psid: reply.recipient, watermark: Date.now() }),
      );
    case 'zalo':
      return signedZaloDelivery(
        zaloSeen({ oaId: ZALO_OA, userId: reply.recipient, msgIds: [reply.platformMessageId] }),
      );
    case 'tiktok':
      return signedTiktokDelivery(
        tiktokRead({
          businessId: TIKTOK_BUSINESS,
          userId: customerOfThread(reply.recipient),
          conversationId: reply.recipient,
          lastReadTimestamp: Date.now(),
        }),
      );
  }
}

/** The platform's thread id of a customer: the TikTok conversation, the user id elsewhere. */
export function threadOf(customer: DemoCustomer): string {
  return customer.conversationId ?? customer.userId;
}

/** Posts signed deliveries to the app's real webhook routes. */
export class WebhookPoster {
  constructor(private readonly appUrl: string) {}

  /** The HTTP status the app answered. */
  async post(delivery: SignedDelivery): Promise<number> {
    const response = await fetch(this.appUrl + delivery.path, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Posts and insists on 200 (what every well-formed, signed delivery gets). */
  async deliver(delivery: SignedDelivery): Promise<void> {
    const status = await this.post(delivery);
    if (status !== 200) throw new Error(`webhook ${delivery.path} answered ${status}`);
  }
}
