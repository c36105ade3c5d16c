/** File names for downloaded inbound attachments, whose platforms rarely say what a file is called. */

/** How many characters of a media id a generated name keeps: enough to tell files apart, short enough to read. */
const SHORT_ID_LENGTH = 6;
/** The extension when a type has none we know: the bytes are still served with their real type. */
const UNKNOWN_EXTENSION = 'bin';

/** Extensions of the types the media store accepts (media-type.ts), where the MIME subtype is not one. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/heic': 'heic',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/3gpp': '3gp',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-7z-compressed': '7z',
  'application/gzip': 'gz',
  'application/msword': 'doc',
  'application/x-cfb': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/rtf': 'rtf',
  'text/plain': 'txt',
};

/** What a person calls an attachment type in a file name. */
const KIND_WORDS: Record<string, string> = { image: 'photo' };

/** The last path segment of the URL fetched, or `attachment`. */
export function fileNameFromUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'attachment';
  } catch {
    return 'attachment';
  }
}

function decodeExtendedValue(value: string): string | null {
  // RFC 5987: charset'language'percent-encoded; only UTF-8 (and its ASCII subset) is worth reading.
  const match = /^(utf-8|us-ascii)'[^']*'(.*)$/i.exec(value);
  if (!match) return null;
  try {
    return decodeURIComponent(match[2]);
  } catch {
    return null;
  }
}

/** The file name a Content-Disposition header gives (`filename*` preferred over `filename`), or null. */
export function contentDispositionFileName(header: string | undefined): string | null {
  if (!header) return null;
  const extended = /(?:^|;)\s*filename\*\s*=\s*("?)([^";]*)\1/i.exec(header);
  const decoded = extended ? decodeExtendedValue(extended[2].trim()) : null;
  if (decoded?.trim()) return decoded.trim();
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(header);
  const name = plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : null;
  return name?.trim() || null;
}

/** The usual extension of a MIME type (`image/png` → `png`). */
export function extensionOf(mimeType: string): string {
  return EXTENSIONS[mimeType.toLowerCase()] ?? UNKNOWN_EXTENSION;
}

/** A name for a file the platform names only by id: `<kind>-<short id>.<extension>`, e.g. `photo-8c1f2a.png`. */
export function mediaIdFileName(attachmentType: string, mediaId: string, mimeType: string): string {
  const kind = KIND_WORDS[attachmentType] ?? (attachmentType.replace(/[^a-z]/gi, '') || 'file');
  const shortId = mediaId.replace(/[^a-z0-9]/gi, '').slice(-SHORT_ID_LENGTH) || 'media';
  return `${kind}-${shortId}.${extensionOf(mimeType)}`;
}

/** A platform that names a file only by its id: the id and the attachment type it came as. */
export interface MediaIdentity {
  attachmentType: string;
  mediaId: string;
}

/**
 * What to call a downloaded file. A file named only by id takes the response's Content-Disposition name, else one
 * made once the stored type is known (a function of it); any other keeps its URL's last segment.
 */
export function downloadedFileName(
  url: string,
  contentDisposition: string | undefined,
  identity: MediaIdentity | undefined,
): string | ((mimeType: string) => string) {
  if (!identity) return fileNameFromUrl(url);
  const given = contentDispositionFileName(contentDisposition);
  if (given) return given;
  return (mimeType) => mediaIdFileName(identity.attachmentType, identity.mediaId, mimeType);
}
