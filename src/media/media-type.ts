import { fileTypeFromBuffer } from 'file-type';

export type MediaType = 'image' | 'video' | 'audio' | 'file' | 'sticker';

/** What the first bytes of a file say it is; null when it is nothing we accept. */
export interface SniffedType {
  type: MediaType;
  mimeType: string;
}

/** Enough for every signature file-type checks for the formats we accept. */
export const SNIFF_BYTES = 4100;

/** Images we serve inline: raster formats only (SVG can carry script and is never an image here). */
const IMAGE_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/heic', 'image/avif']);
/** Documents accepted as `file` (always served as attachments). */
const FILE_MIMES = new Set([
  'application/pdf',
  'application/zip',
  'application/x-7z-compressed',
  'application/gzip',
  'application/msword',
  'application/x-cfb',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/rtf',
]);

/** Text-like files carry no magic bytes; they are accepted as plain text unless they look like markup or script. */
const MARKUP = /<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml)|^\s*#!/i;

function isPlainText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  const text = head.toString('utf8');
  if (text.includes('\uFFFD')) return false;
  return !MARKUP.test(text);
}

/** Classifies a file by its bytes only (never its name or the client's Content-Type). */
export async function sniffMediaType(head: Buffer): Promise<SniffedType | null> {
  if (head.length === 0) return null;
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    const mime: string = detected.mime;
    if (IMAGE_MIMES.has(mime)) return { type: 'image', mimeType: mime };
    if (mime.startsWith('video/')) return { type: 'video', mimeType: mime };
    if (mime.startsWith('audio/')) return { type: 'audio', mimeType: mime };
    if (FILE_MIMES.has(mime)) return { type: 'file', mimeType: mime };
    return null;
  }
  return isPlainText(head) ? { type: 'file', mimeType: 'text/plain' } : null;
}

/** Types served inline (Content-Disposition: inline); everything else is a download. */
export function isInlineMime(mimeType: string): boolean {
  return IMAGE_MIMES.has(mimeType) || mimeType.startsWith('video/') || mimeType.startsWith('audio/');
}
