import type { Platform } from '../channels/entities/channel.entity.js';

/** What a stored upload is, as far as a platform's limits care. */
export interface MediaFacts {
  kind: 'image' | 'video' | 'audio' | 'file';
  mimeType: string;
  size: number;
}

const MB = 1024 * 1024;

/**
 * Why a platform cannot take this file (a readable reason for a 422), or null when it can. TikTok: images only,
 * JPG/PNG up to 3 MB (sources conflict; the stricter one is applied). Facebook: up to 25 MB of any kind. Zalo:
 * images JPG/PNG/GIF up to 1 MB, files PDF/DOC/DOCX up to 5 MB (not confirmed by a primary source).
 */
export function mediaLimitProblem(platform: Platform, file: MediaFacts): string | null {
  const tooLarge = (limit: number, what: string) =>
    file.size > limit ? `${platformName(platform)} accepts ${what} up to ${limit / MB} MB` : null;
  if (platform === 'tiktok') {
    if (file.kind !== 'image' || !['image/jpeg', 'image/png'].includes(file.mimeType))
      return 'TikTok accepts only JPG and PNG images';
    return tooLarge(3 * MB, 'images');
  }
  if (platform === 'zalo') {
    if (file.kind === 'image') {
      if (!['image/jpeg', 'image/png', 'image/gif'].includes(file.mimeType))
        return 'Zalo accepts only JPG, PNG and GIF images';
      return tooLarge(1 * MB, 'images');
    }
    if (!ZALO_FILE_TYPES.includes(file.mimeType)) return 'Zalo accepts only PDF, DOC and DOCX files';
    return tooLarge(5 * MB, 'files');
  }
  return tooLarge(25 * MB, 'attachments');
}

const ZALO_FILE_TYPES = [
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
];

function platformName(platform: Platform): string {
  return { facebook: 'Facebook', zalo: 'Zalo', tiktok: 'TikTok' }[platform];
}
