import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ValidationError } from '../../common/errors/domain-errors.js';
import type { MediaRecord } from '../../media/media.record.js';
import { MediaService, MediaTooLargeError } from '../../media/media.service.js';
import { PermanentFetchError, safeFetch } from '../../media/safe-fetch.js';

const MAX_REDIRECTS = 5;
export const AVATAR_TIMEOUT_MS = 30_000;
/** Profile pictures are small; anything larger is not one. */
const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

/** The picture could not be kept and never will be (refused, not an image, too large): go on without it. */
export class UnusableAvatarError extends Error {}

/**
 * Downloads a profile picture through the SSRF-safe fetch and stores it as the customer's avatar media. A failure
 * that may pass (timeout, 5xx) is thrown as is; one that will not is an UnusableAvatarError.
 */
@Injectable()
export class AvatarDownloader {
  constructor(
    private readonly media: MediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async download(url: string, workspaceId: string, customerId: string): Promise<MediaRecord> {
    let fetched: Awaited<ReturnType<typeof safeFetch>>;
    try {
      fetched = await safeFetch(url, {
        maxRedirects: MAX_REDIRECTS,
        timeoutMs: AVATAR_TIMEOUT_MS,
        allowHosts: this.config.mediaFetchAllowHosts,
      });
    } catch (error) {
      throw error instanceof PermanentFetchError ? new UnusableAvatarError(error.message) : error;
    }
    const { response, done } = fetched;
    try {
      const record = await this.media.store(response, {
        workspaceId,
        kind: 'avatar',
        name: 'avatar',
        customerId,
        maxBytes: AVATAR_MAX_BYTES,
      });
      if (record.type !== 'image') {
        await this.media.delete(record.id);
        throw new UnusableAvatarError(`the picture is ${record.mimeType}, not an image`);
      }
      return record;
    } catch (error) {
      response.destroy();
      if (error instanceof MediaTooLargeError || error instanceof ValidationError)
        throw new UnusableAvatarError(error.message);
      throw error;
    } finally {
      done();
    }
  }
}
