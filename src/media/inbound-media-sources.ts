import { Inject, Injectable } from '@nestjs/common';
import type { TiktokCredentials } from '../channels/credentials-cipher.js';
import type { PlatformChannel, StoredPlatformChannel } from '../channels/entities/platform-channel.js';
import { TokenRefreshService } from '../channels/health/token-refresh.service.js';
import { PlatformChannelsService } from '../channels/platform-channels.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  requestTiktokDownloadUrl,
  TIKTOK_MEDIA_TOKEN_HEADER,
  tiktokMediaIdOf,
  tiktokMediaType,
  type TiktokDownloadUrlResult,
  type TiktokMediaRequest,
} from '../platforms/tiktok/tiktok-media.js';
import type { MediaIdentity } from './inbound-file-name.js';
import { MediaDownloadsRepository, type PendingDownload } from './media-downloads.repository.js';
import { PermanentFetchError } from './safe-fetch.js';

/** Where to GET an attachment's bytes. `headers` may hold a token: never stored, never logged. */
export interface MediaSource {
  url: string;
  headers: Record<string, string>;
  /** Set when the platform names the file only by id: the downloader then gives it a readable name. */
  identity?: MediaIdentity;
}

/** The attachment's channel needs reconnecting: its download waits instead of failing. */
export class ChannelNeedsReconnectError extends Error {}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/**
 * Turns a queued attachment URL into something to fetch: an http(s) URL as it is, a TikTok media reference
 * through the Business API's media download (with the channel's token, refreshed or the channel marked
 * `needs_reconnect` exactly as a refused send would).
 */
@Injectable()
export class InboundMediaSources {
  constructor(
    private readonly downloads: MediaDownloadsRepository,
    private readonly channels: PlatformChannelsService,
    private readonly tokens: TokenRefreshService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether an attachment URL is one the downloader can fetch. */
  isFetchable(url: string): boolean {
    return isHttpUrl(url) || tiktokMediaIdOf(url) !== null;
  }

  /** Throws PermanentFetchError (gives up), ChannelNeedsReconnectError (waits) or another error (retried). */
  async resolve(download: PendingDownload): Promise<MediaSource> {
    if (isHttpUrl(download.url)) return { url: download.url, headers: {} };
    const mediaId = tiktokMediaIdOf(download.url);
    if (mediaId === null) throw new PermanentFetchError('not a downloadable attachment URL');
    return this.resolveTiktok(download, mediaId);
  }

  private async resolveTiktok(download: PendingDownload, mediaId: string): Promise<MediaSource> {
    const origin = await this.downloads.originOf(download);
    if (!origin || origin.channel.platform !== 'tiktok')
      throw new PermanentFetchError('the message or its TikTok channel is gone');
    if (origin.channelStatus === 'needs_reconnect')
      throw new ChannelNeedsReconnectError('the channel needs reconnecting');
    if (!origin.platformMessageId) throw new PermanentFetchError('the message has no TikTok message id');
    let channel: PlatformChannel<'tiktok'>;
    try {
      channel = this.channels.withCredentials(origin.channel as StoredPlatformChannel<'tiktok'>);
    } catch {
      throw new PermanentFetchError('the channel credentials cannot be read');
    }
    const request: TiktokMediaRequest = {
      businessId: channel.externalId,
      conversationId: origin.threadKey,
      messageId: origin.platformMessageId,
      mediaId,
      mediaType: tiktokMediaType(origin.attachmentType),
    };
    const { result, credentials } = await this.withTokenRenewal(channel, (current) =>
      requestTiktokDownloadUrl(this.config.tiktokApiUrl, current, request),
    );
    if (!result.ok) throw result.retryable ? new Error(result.error) : new PermanentFetchError(result.error);
    return {
      url: result.downloadUrl,
      headers: { [TIKTOK_MEDIA_TOKEN_HEADER]: credentials.accessToken },
      identity: { attachmentType: origin.attachmentType, mediaId },
    };
  }

  /** One call; an invalid-token answer refreshes the token (when the channel can) and calls once more. */
  private async withTokenRenewal(
    channel: PlatformChannel<'tiktok'>,
    call: (credentials: TiktokCredentials) => Promise<TiktokDownloadUrlResult>,
  ): Promise<{ result: TiktokDownloadUrlResult; credentials: TiktokCredentials }> {
    const first = await call(channel.credentials);
    if (first.ok || first.problem !== 'invalid_token') return { result: first, credentials: channel.credentials };
    const renewed = await this.tokens.afterInvalidToken(
      channel.workspaceId,
      channel.id,
      channel.credentials.accessToken,
      first.error,
    );
    if (!renewed) throw new ChannelNeedsReconnectError(first.error);
    const credentials = renewed as TiktokCredentials;
    const retried = await call(credentials);
    if (!retried.ok && retried.problem === 'invalid_token') {
      await this.tokens.markNeedsReconnect(
        channel.workspaceId,
        channel.id,
        `${retried.error}. Reconnect the channel with new credentials`,
      );
      throw new ChannelNeedsReconnectError(retried.error);
    }
    return { result: retried, credentials };
  }
}
