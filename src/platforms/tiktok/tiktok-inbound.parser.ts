import type { MessageAttachment } from '../../messages/entities/message.entity.js';
import { MalformedPayloadError, type ChannelDelivery, type InboundItem } from '../platform-adapter.js';
import {
  isRecord,
  millisecondsToDate,
  optionalHttpUrl,
  optionalId,
  optionalString,
  record,
  requireId,
  type JsonRecord,
} from '../payload-reader.js';

/** Media is fetched through the Business API by id; the attachment keeps a reference to it. */
export const TIKTOK_MEDIA_URL_PREFIX = 'tiktok-media:';
const KNOWN_IGNORED = new Set([
  'im_referral_msg',
  'im_auto_message_config_update',
  'im_auto_message_audit_update',
  'im_receive_high_intent_comment',
]);

/**
 * TikTok Business Messaging: `{client_key, event, create_time, user_openid, content}` where `content` is a JSON
 * string parsed a second time. `user_openid` is the business account (our channel key). `*_eu` events are
 * stripped of content and only acknowledged.
 */
export function parseTiktokPayload(body: unknown): ChannelDelivery[] {
  if (!isRecord(body) || typeof body.event !== 'string')
    throw new MalformedPayloadError('expected a TikTok event');
  const businessId = requireId(body.user_openid, 'user_openid');
  const event = body.event;
  if (event.endsWith('_eu'))
    return [{ channelKey: businessId, items: [{ kind: 'ignored', eventKind: event, reason: 'no_content' }] }];
  if (event !== 'im_receive_msg' && event !== 'im_send_msg' && event !== 'im_mark_read_msg') {
    return [
      {
        channelKey: businessId,
        items: [
          { kind: 'ignored', eventKind: event, reason: KNOWN_IGNORED.has(event) ? 'unsupported' : 'unknown' },
        ],
      },
    ];
  }
  const content = parseContent(body.content);
  const conversationId = requireId(content.conversation_id, 'content.conversation_id');
  const fromUser = optionalId(record(content.from_user).id);
  const toUser = optionalId(record(content.to_user).id);

  if (event === 'im_mark_read_msg') {
    const watermark = millisecondsToDate(record(content.read).last_read_timestamp);
    // Also fired when the business itself reads in the TikTok app: that says nothing about our messages.
    if (fromUser === businessId || !watermark)
      return [
        { channelKey: businessId, items: [{ kind: 'ignored', eventKind: event, reason: 'no_content' }] },
      ];
    return [
      {
        channelKey: businessId,
        items: [
          { kind: 'receipt', status: 'read', platformMessageIds: [], threadKey: conversationId, watermark },
        ],
      },
    ];
  }

  const echo = event === 'im_send_msg';
  const customerId = echo ? toUser : fromUser;
  const messageId = optionalId(content.message_id);
  if (!customerId || !messageId)
    return [{ channelKey: businessId, items: [{ kind: 'ignored', eventKind: event, reason: 'no_content' }] }];
  const item: InboundItem = {
    kind: 'message',
    direction: echo ? 'echo' : 'customer',
    platformMessageId: messageId,
    threadKey: conversationId,
    customerExternalId: customerId,
    customerName: optionalString(echo ? content.to : content.from),
    ...messageBody(content),
    sentAt: millisecondsToDate(content.timestamp),
    outboundMessageId: null,
    sentThroughApi: echo && record(content.message_tag).source === 'API',
  };
  return [{ channelKey: businessId, items: [item] }];
}

function parseContent(value: unknown): JsonRecord {
  if (isRecord(value)) return value;
  if (typeof value !== 'string') throw new MalformedPayloadError('content must be a JSON string');
  try {
    const parsed: unknown = JSON.parse(value);
    if (isRecord(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new MalformedPayloadError('content is not a JSON object');
}

function messageBody(content: JsonRecord): { text: string; attachments: MessageAttachment[] } {
  const type = optionalString(content.type) ?? 'text';
  const part = record(content[type]);
  switch (type) {
    case 'text':
      return { text: optionalString(part.body) ?? '', attachments: [] };
    case 'image':
    case 'video':
    case 'sticker':
    case 'emoji': {
      const mediaId = optionalString(part.media_id);
      const url = optionalHttpUrl(part.url) ?? (mediaId ? TIKTOK_MEDIA_URL_PREFIX + mediaId : '');
      return { text: '', attachments: [{ type, url }] };
    }
    case 'share_post':
      return { text: '', attachments: [{ type, url: optionalHttpUrl(part.embed_url) ?? '' }] };
    default:
      return { text: optionalString(part.body) ?? '', attachments: [] };
  }
}
