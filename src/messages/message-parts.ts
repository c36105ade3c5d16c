import type { MediaRecord } from '../media/media.record.js';
import { mediaUrl } from '../media/media.record.js';
import type { MessageAttachment } from './entities/message.entity.js';

/** One platform message of an agent message: its text, or one of its files. */
export type PlannedPart = { index: number; kind: 'text'; mediaId: null } | { index: number; kind: 'file'; mediaId: string };

/** A part as stored (`message_parts`), with its progress. */
export interface MessagePart {
  messageId: string;
  index: number;
  kind: 'text' | 'file';
  mediaId: string | null;
  attempts: number;
  /** Set once the platform accepted this part. */
  platformMessageId: string | null;
}

/**
 * How a message with attachments goes out: the platforms carry text and a file (or several files) only as
 * separate messages, so the text (if any) is sent first, then each file in the order given.
 */
export function planParts(content: string, mediaIds: string[]): PlannedPart[] {
  const text: PlannedPart[] = content.length > 0 ? [{ index: 0, kind: 'text', mediaId: null }] : [];
  return [
    ...text,
    ...mediaIds.map((mediaId, position): PlannedPart => ({ index: text.length + position, kind: 'file', mediaId })),
  ];
}

/** How many platform messages a reply goes out as: one per part, one for a text without attachments. */
export function platformMessageCount(content: string, mediaIds: string[]): number {
  return Math.max(1, planParts(content, mediaIds).length);
}

/** The attachment a sent upload becomes on its message (the stored file's shape; no platform URL). */
export function uploadAttachment(upload: MediaRecord): MessageAttachment {
  return {
    type: upload.type,
    url: mediaUrl(upload.id),
    mediaId: upload.id,
    name: upload.name,
    mimeType: upload.mimeType,
    size: upload.size,
    originalUrl: null,
  };
}
