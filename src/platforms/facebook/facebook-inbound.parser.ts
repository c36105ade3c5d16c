import type { MessageAttachment } from '../../messages/entities/message.entity.js';
import { MalformedPayloadError, type ChannelDelivery, type InboundItem } from '../platform-adapter.js';
import {
  coordinate,
  isRecord,
  millisecondsToDate,
  optionalHttpUrl,
  optionalId,
  optionalString,
  record,
  requireId,
  type JsonRecord,
} from '../payload-reader.js';

/** Our Send API calls carry `metadata: "crm:<message id>"`; Meta echoes it back, which matches the echo to us. */
export const FACEBOOK_METADATA_PREFIX = 'crm:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OTHER_EVENT_KEYS = [
  'reaction',
  'message_edit',
  'referral',
  'optin',
  'account_linking',
  'policy_enforcement',
  'pass_thread_control',
  'take_thread_control',
];

/**
 * Meta's envelope `{object: "page", entry: [{id, messaging|standby: [...]}]}` → items per page. One POST may
 * carry several pages: each entry is routed by its own `entry[].id`.
 */
export function parseFacebookPayload(body: unknown): ChannelDelivery[] {
  if (!isRecord(body) || !Array.isArray(body.entry))
    throw new MalformedPayloadError('expected {object, entry: [...]}');
  const byPage = new Map<string, InboundItem[]>();
  for (const rawEntry of body.entry) {
    if (!isRecord(rawEntry)) throw new MalformedPayloadError('entry items must be objects');
    const pageId = requireId(rawEntry.id, 'entry[].id');
    const items = byPage.get(pageId) ?? [];
    byPage.set(pageId, items);
    if (body.object !== 'page') {
      items.push({ kind: 'ignored', eventKind: `object:${String(body.object)}`, reason: 'unknown' });
      continue;
    }
    const events = [...asArray(rawEntry.messaging), ...asArray(rawEntry.standby)];
    for (const event of events) items.push(parseEvent(record(event)));
  }
  return [...byPage].map(([channelKey, items]) => ({ channelKey, items }));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function parseEvent(event: JsonRecord): InboundItem {
  const senderId = optionalId(record(event.sender).id);
  const recipientId = optionalId(record(event.recipient).id);
  if (isRecord(event.message)) {
    const message = event.message;
    const mid = optionalId(message.mid);
    const echo = message.is_echo === true;
    const customer = echo ? recipientId : senderId;
    if (!mid || !customer) return { kind: 'ignored', eventKind: 'message', reason: 'no_content' };
    const metadata = optionalString(message.metadata);
    const tagged = metadata?.startsWith(FACEBOOK_METADATA_PREFIX)
      ? metadata.slice(FACEBOOK_METADATA_PREFIX.length)
      : null;
    const ownId = tagged && UUID.test(tagged) ? tagged.toLowerCase() : null;
    return {
      kind: 'message',
      direction: echo ? 'echo' : 'customer',
      platformMessageId: mid,
      threadKey: customer,
      customerExternalId: customer,
      customerName: null,
      // A quick-reply tap carries its button's title as the text; without one, its payload is what was chosen.
      text: optionalString(message.text) ?? optionalString(record(message.quick_reply).payload) ?? '',
      attachments: parseAttachments(message.attachments),
      sentAt: millisecondsToDate(event.timestamp),
      outboundMessageId: echo ? ownId : null,
      sentThroughApi: echo && ownId !== null,
    };
  }
  if (isRecord(event.delivery) || isRecord(event.read)) {
    const delivered = isRecord(event.delivery);
    const receipt = delivered ? record(event.delivery) : record(event.read);
    const mids = asArray(receipt.mids)
      .map(optionalId)
      .filter((mid): mid is string => mid !== null);
    const watermark = millisecondsToDate(receipt.watermark);
    if (!senderId || (!watermark && mids.length === 0))
      return { kind: 'ignored', eventKind: delivered ? 'delivery' : 'read', reason: 'no_content' };
    return {
      kind: 'receipt',
      status: delivered ? 'delivered' : 'read',
      platformMessageIds: mids,
      threadKey: senderId,
      watermark,
    };
  }
  if (isRecord(event.postback)) return parsePostback(event, event.postback, senderId);
  const known = OTHER_EVENT_KEYS.find((key) => key in event);
  return known
    ? { kind: 'ignored', eventKind: known, reason: 'unsupported' }
    : { kind: 'ignored', eventKind: unknownKind(event), reason: 'unknown' };
}

/**
 * A button tap (postback) is the customer's answer: stored as their message with the button's title. Meta
 * gives newer postbacks a `mid`; older ones are keyed by sender and time, so a redelivery is still one message.
 */
function parsePostback(event: JsonRecord, postback: JsonRecord, senderId: string | null): InboundItem {
  const title = optionalString(postback.title) || optionalString(postback.payload) || '';
  const sentAt = millisecondsToDate(event.timestamp);
  const mid =
    optionalId(postback.mid) ?? (senderId && sentAt ? `postback:${senderId}:${sentAt.getTime()}` : null);
  if (!senderId || !mid || title === '')
    return { kind: 'ignored', eventKind: 'postback', reason: 'no_content' };
  return {
    kind: 'message',
    direction: 'customer',
    platformMessageId: mid,
    threadKey: senderId,
    customerExternalId: senderId,
    customerName: null,
    text: title,
    attachments: [],
    sentAt,
    outboundMessageId: null,
    sentThroughApi: false,
  };
}

const ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);
const MAX_KIND_LENGTH = 64;

/** Names an unknown event by its own keys (bounded), for the log line. */
function unknownKind(event: JsonRecord): string {
  const keys = Object.keys(event).filter((key) => !ENVELOPE_KEYS.has(key));
  return (keys.sort().join('+') || 'empty').slice(0, MAX_KIND_LENGTH);
}

function parseAttachments(value: unknown): MessageAttachment[] {
  return asArray(value).flatMap((raw) => {
    const attachment = record(raw);
    const type = optionalString(attachment.type) ?? 'file';
    const payload = record(attachment.payload);
    const url = optionalHttpUrl(payload.url);
    if (url) return [{ type, url }];
    const coordinates = record(payload.coordinates);
    if (type === 'location' && coordinate(coordinates.lat) !== '') {
      return [
        {
          type,
          url: `https://maps.google.com/?q=${coordinate(coordinates.lat)},${coordinate(coordinates.long)}`,
        },
      ];
    }
    return [{ type, url: '' }];
  });
}
