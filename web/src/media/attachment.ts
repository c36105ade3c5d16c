import type { MessageAttachment } from '../api/models';

/**
 * An attachment as the contract describes it (docs/api.md, "Attachments and media"): `mediaId`, `name`,
 * `mimeType` and `size` are null until the server has stored the file; `originalUrl` is the platform's URL
 * (null for uploads).
 */
export type Attachment = MessageAttachment;

export type AttachmentType = 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'location' | 'link';

/** Types whose bytes the server stores and serves from `/api/media/<id>`. */
const STORED_TYPES = new Set<string>(['image', 'video', 'audio', 'file', 'sticker']);

export function isStoredType(type: string): boolean {
  return STORED_TYPES.has(type);
}

/** A media attachment whose bytes are not (yet) on our server: shown as a placeholder. */
export function isAwaitingStorage(attachment: Attachment): boolean {
  return isStoredType(attachment.type) && !attachment.mediaId;
}

/** Whether a URL can be opened in a browser (a platform's media reference, e.g. `tiktok-media:…`, cannot). */
export function isHttpUrl(url: string | null | undefined): boolean {
  return !!url && /^https?:\/\//i.test(url);
}

const KIND_LABELS: Record<string, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  file: 'File',
  sticker: 'Sticker',
};

/** How an attachment's kind reads in a sentence ("Photo loading…"). */
export function kindLabel(type: string): string {
  return KIND_LABELS[type] ?? 'Attachment';
}

const KIB = 1024;
const MIB = KIB * KIB;

export function formatBytes(size: number): string {
  if (size < KIB) return `${size} B`;
  if (size < MIB) return `${(size / KIB).toFixed(size < 10 * KIB ? 1 : 0)} KB`;
  return `${(size / MIB).toFixed(1)} MB`;
}
