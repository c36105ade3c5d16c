import type { Platform } from '../api/models';

/*
 * What each platform can carry, shown before sending. The server applies the same limits when a message is
 * sent (src/platforms/media-limits.ts, answered with 422): keep the two in step.
 */

export type MediaKind = 'image' | 'video' | 'audio' | 'file';

export interface MediaFacts {
  kind: MediaKind;
  mimeType: string;
  size: number;
}

const MB = 1024 * 1024;

interface Rule {
  /** The kinds of file the rule is for. */
  kinds: MediaKind[];
  /** The accepted types; null: any. */
  mimeTypes: string[] | null;
  /** The accepted types in words, for "accepts only …". */
  only: string;
  /** The files in words, for "accepts … up to N MB". */
  what: string;
  maxMegabytes: number;
  hint: string;
}

const JPEG_PNG = ['image/jpeg', 'image/png'];
const ZALO_FILE_TYPES = [
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
];

/** A platform's rules; a file of a kind no rule is for breaks the first rule's type list. */
const LIMITS: Record<Platform, { name: string; rules: Rule[] }> = {
  tiktok: {
    name: 'TikTok',
    rules: [
      {
        kinds: ['image'],
        mimeTypes: JPEG_PNG,
        only: 'JPG and PNG images',
        what: 'images',
        maxMegabytes: 3,
        hint: 'JPG/PNG images up to 3 MB',
      },
    ],
  },
  zalo: {
    name: 'Zalo',
    rules: [
      {
        kinds: ['image'],
        mimeTypes: [...JPEG_PNG, 'image/gif'],
        only: 'JPG, PNG and GIF images',
        what: 'images',
        maxMegabytes: 1,
        hint: 'JPG/PNG/GIF images up to 1 MB',
      },
      {
        kinds: ['file', 'video', 'audio'],
        mimeTypes: ZALO_FILE_TYPES,
        only: 'PDF, DOC and DOCX files',
        what: 'files',
        maxMegabytes: 5,
        hint: 'PDF/DOC/DOCX files up to 5 MB',
      },
    ],
  },
  facebook: {
    name: 'Facebook',
    rules: [
      {
        kinds: ['image', 'video', 'audio', 'file'],
        mimeTypes: null,
        only: 'attachments',
        what: 'attachments',
        maxMegabytes: 25,
        hint: 'any file up to 25 MB',
      },
    ],
  },
};

/** The limits in one line, e.g. "TikTok: JPG/PNG images up to 3 MB". */
export function mediaLimitHint(platform: Platform): string {
  const { name, rules } = LIMITS[platform];
  return `${name}: ${rules.map((rule) => rule.hint).join(', ')}`;
}

/** Why the platform cannot take this file (the server's wording), or null when it can. */
export function mediaLimitProblem(platform: Platform, file: MediaFacts): string | null {
  const { name, rules } = LIMITS[platform];
  const rule = rules.find((candidate) => candidate.kinds.includes(file.kind));
  if (!rule) return `${name} accepts only ${rules[0].only}`;
  if (rule.mimeTypes && !rule.mimeTypes.includes(file.mimeType)) return `${name} accepts only ${rule.only}`;
  if (file.size > rule.maxMegabytes * MB) return `${name} accepts ${rule.what} up to ${rule.maxMegabytes} MB`;
  return null;
}

/** The kind of a file from its type (the browser's guess before upload, the server's after). */
export function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'file';
}
