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

const USER_MESSAGE = /^user_send_[a-z_]+$/;
const OA_MESSAGE = /^oa_send_[a-z_]+$/;
const NOT_MESSAGES = new Set(['user_send_info', 'user_submit_info']);

/**
 * Zalo OA sends one flat event per POST. Every id is a string that may exceed 2^53: it is kept exactly as
 * sent. The OA id (our channel key) is `recipient.id` on user events, `sender.id` on OA sends and receipts,
 * and the top-level `oa_id` on follow/unfollow.
 */
export function parseZaloPayload(body: unknown): ChannelDelivery[] {
  if (!isRecord(body) || typeof body.event_name !== 'string')
    throw new MalformedPayloadError('expected a Zalo event with event_name');
  const event = body.event_name;
  const sender = record(body.sender);
  const recipient = record(body.recipient);
  const message = record(body.message);
  const sentAt = millisecondsToDate(body.timestamp);

  if (USER_MESSAGE.test(event) && !NOT_MESSAGES.has(event)) {
    const oaId = requireId(recipient.id, 'recipient.id');
    const userId = requireId(sender.id, 'sender.id');
    return [{ channelKey: oaId, items: [messageItem(message, 'customer', userId, sentAt, false, event)] }];
  }
  if (OA_MESSAGE.test(event)) {
    const oaId = requireId(sender.id, 'sender.id');
    const userId = requireId(recipient.id, 'recipient.id');
    // Sends typed by a human in Zalo's own tools carry admin_id; the others came through the API (maybe ours).
    const throughApi = optionalId(sender.admin_id) === null;
    return [{ channelKey: oaId, items: [messageItem(message, 'echo', userId, sentAt, throughApi, event)] }];
  }
  if (event === 'user_received_message' || event === 'user_seen_message') {
    const oaId = requireId(sender.id, 'sender.id');
    const ids =
      event === 'user_seen_message'
        ? Array.isArray(message.msg_ids)
          ? message.msg_ids
          : []
        : [message.msg_id];
    const platformMessageIds = ids.map(optionalId).filter((id): id is string => id !== null);
    const item: InboundItem =
      platformMessageIds.length > 0
        ? {
            kind: 'receipt',
            status: event === 'user_seen_message' ? 'read' : 'delivered',
            platformMessageIds,
            threadKey: null,
            watermark: null,
          }
        : { kind: 'ignored', eventKind: event, reason: 'no_content' };
    return [{ channelKey: oaId, items: [item] }];
  }
  if (event === 'follow' || event === 'unfollow') {
    const oaId = requireId(body.oa_id, 'oa_id');
    const followerId = requireId(record(body.follower).id, 'follower.id');
    return [
      { channelKey: oaId, items: [{ kind: 'contact', customerExternalId: followerId, customerName: null }] },
    ];
  }
  const oaId = optionalId(body.oa_id) ?? optionalId(recipient.id);
  return oaId
    ? [{ channelKey: oaId, items: [{ kind: 'ignored', eventKind: event, reason: 'unknown' }] }]
    : [];
}

function messageItem(
  message: JsonRecord,
  direction: 'customer' | 'echo',
  userId: string,
  sentAt: Date | null,
  sentThroughApi: boolean,
  event: string,
): InboundItem {
  const msgId = optionalId(message.msg_id);
  if (!msgId) return { kind: 'ignored', eventKind: event, reason: 'no_content' };
  return {
    kind: 'message',
    direction,
    platformMessageId: msgId,
    threadKey: userId,
    customerExternalId: userId,
    customerName: null,
    text: optionalString(message.text) ?? '',
    attachments: parseAttachments(message.attachments),
    sentAt,
    outboundMessageId: null,
    sentThroughApi,
  };
}

function parseAttachments(value: unknown): MessageAttachment[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const attachment = record(raw);
    const type = optionalString(attachment.type) ?? 'file';
    const payload = record(attachment.payload);
    const url = optionalHttpUrl(payload.url);
    if (url) return { type, url };
    const coordinates = record(payload.coordinates);
    if (type === 'location' && coordinate(coordinates.latitude) !== '') {
      return {
        type,
        url: `https://maps.google.com/?q=${coordinate(coordinates.latitude)},${coordinate(coordinates.longitude)}`,
      };
    }
    return { type, url: '' };
  });
}
