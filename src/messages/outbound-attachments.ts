import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import type { Platform } from '../channels/entities/channel.entity.js';
import { UnprocessableError, ValidationError } from '../common/errors/domain-errors.js';
import type { MediaRecord } from '../media/media.record.js';
import { MediaService } from '../media/media.service.js';
import { mediaLimitProblem, type MediaFacts } from '../platforms/media-limits.js';

/** The kind a platform's limits see: a sticker is an image to them. */
export function mediaKindOf(record: Pick<MediaRecord, 'type'>): MediaFacts['kind'] {
  return record.type === 'sticker' ? 'image' : record.type;
}

/**
 * The uploads an agent message may carry, checked before anything is stored: each must be a usable upload of
 * the sender (their own, or any of the workspace's for an admin; unsent; younger than 24 h), and within the
 * conversation's platform limits.
 */
@Injectable()
export class OutboundAttachments {
  constructor(private readonly media: MediaService) {}

  /** The uploads in the order given. 400 naming the ids that cannot be attached; 422 with a platform's reason. */
  async resolve(actor: AuthUser, platform: Platform, ids: string[], manager: EntityManager): Promise<MediaRecord[]> {
    if (ids.length === 0) return [];
    const usable = new Map(
      (await this.media.findUsableUploads(actor, ids, manager)).map((upload) => [upload.id, upload]),
    );
    const unusable = ids.filter((id) => !usable.has(id));
    if (unusable.length > 0)
      throw new ValidationError(
        `attachmentIds: ${unusable.join(', ')} cannot be attached: not an upload of yours in this workspace, already sent, or older than 24 hours`,
      );
    const uploads = ids.map((id) => usable.get(id) as MediaRecord);
    for (const upload of uploads) {
      const problem = mediaLimitProblem(platform, {
        kind: mediaKindOf(upload),
        mimeType: upload.mimeType,
        size: upload.size,
      });
      if (problem) throw new UnprocessableError(`${upload.name}: ${problem}`);
    }
    return uploads;
  }
}
