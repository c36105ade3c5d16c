import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { AuthUser } from '../auth/auth-user.js';
import { NotFoundError } from '../common/errors/domain-errors.js';
import { mediaVisibleWithoutMessage } from './media-access.js';
import { MediaRepository } from './media.repository.js';
import { MediaService } from './media.service.js';
import type { ByteRange } from './media-storage.js';
import { isInlineMime } from './media-type.js';

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; null when absent, 'unsatisfiable' when it cannot be served. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null; // several ranges or nonsense: the whole file
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function contentDisposition(mimeType: string, name: string): string {
  const disposition = isInlineMime(mimeType) ? 'inline' : 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** GET /api/media/:id: visibility (404 otherwise), then the bytes with caching and range headers. */
@Injectable()
export class MediaServingService {
  constructor(
    private readonly media: MediaService,
    private readonly repository: MediaRepository,
  ) {}

  async serve(actor: AuthUser, id: string, request: Request, response: Response): Promise<void> {
    const opened = await this.media.open(id);
    const record = opened?.record;
    const visible =
      record !== undefined &&
      record.workspaceId === actor.workspaceId &&
      (mediaVisibleWithoutMessage(actor, record) ||
        (record.messageId !== null && (await this.repository.canSeeMessage(actor, record.messageId))));
    if (!opened || !record || !visible) throw new NotFoundError('Media not found');

    const etag = `"${record.sha256}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', record.mimeType);
    response.setHeader('Content-Disposition', contentDisposition(record.mimeType, record.name));
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}` || tag.trim() === '*')) {
      response.status(304).end();
      return;
    }
    const range = parseRange(request.headers.range, record.size);
    if (range === 'unsatisfiable') {
      response.status(416).setHeader('Content-Range', `bytes */${record.size}`);
      response.end();
      return;
    }
    if (range) {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${record.size}`);
      response.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      response.status(200);
      response.setHeader('Content-Length', String(record.size));
    }
    await pipeline(opened.stream(range ?? undefined), response).catch(() => response.destroy());
  }
}
