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
import { tiktokMediaUrl } from './tiktok-media.js';

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
      const url = optionalHttpUrl(part.url) ?? (mediaId ? tiktokMediaUrl(mediaId) : '');
      // An emoji message is a picture like a sticker; attachments only have the contract's types.
      return { text: '', attachments: [{ type: type === 'emoji' ? 'sticker' : type, url }] };
    }
    case 'share_post': {
      const url = optionalHttpUrl(part.embed_url);
      // A share without its payload still tells the agent something was shared.
      return url
        ? { text: '', attachments: [{ type, url }] }
        : { text: SHARED_POST_WITHOUT_LINK, attachments: [] };
    }
    case 'template':
      return { text: templateText(part), attachments: [] };
    default:
      return {
        text: optionalString(part.body) ?? `[unsupported message: ${type.slice(0, MAX_TYPE_LENGTH)}]`,
        attachments: [],
      };
  }
}

const SHARED_POST_WITHOUT_LINK = '[shared post]';
const MAX_TYPE_LENGTH = 64;

/** A template card (Q&A buttons) as text: its title, then each button's label on a line of its own. */
function templateText(template: JsonRecord): string {
  const title = optionalString(template.title) ?? optionalString(record(template.content).title) ?? '';
  const buttons = (Array.isArray(template.buttons) ? template.buttons : [])
    .map((button) => optionalString(record(button).title) ?? optionalString(record(button).text))
    .filter((label): label is string => label !== null && label !== '')
    .map((label) => `[${label}]`);
  const text = [title, ...buttons].filter((line) => line !== '').join('\n');
  return text || '[template message]';
}
