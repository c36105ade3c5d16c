import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvent, DomainEventEnvelope } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  TRANSACTION_COMMITTED,
  TransactionRunner,
  type TransactionCommitted,
} from '../database/transaction-runner.js';
import { toMessageView, type MessageView } from '../messages/message.view.js';
import { downloadedFileName } from './inbound-file-name.js';
import { ChannelNeedsReconnectError, InboundMediaSources } from './inbound-media-sources.js';
import { MediaDownloadsRepository, type PendingDownload } from './media-downloads.repository.js';
import { mediaUrl } from './media.record.js';
import { MediaService, MediaTooLargeError } from './media.service.js';
import { PermanentFetchError, safeFetch } from './safe-fetch.js';
import { ValidationError } from '../common/errors/domain-errors.js';

const CONCURRENCY = 4;
const MAX_ATTEMPTS = 5;
const MAX_REDIRECTS = 5;
const DOWNLOAD_TIMEOUT_MS = 30_000;
/** A claimed download is someone's for this long (longer than one download may take). */
const LEASE_MS = DOWNLOAD_TIMEOUT_MS * 2;
const POLL_MS = 2_000;
const BASE_BACKOFF_MS = 1_000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
/**
 * A download whose channel needs reconnecting looks again this often (a reconnect is a person's doing, and one
 * wakes it at once); longer than a lease, so the wake-up can tell it from a download in flight…
 */
const RECONNECT_RECHECK_MS = 5 * 60 * 1000;
/** …for this long after the message arrived; then it is given up like any failing download. */
const RECONNECT_WAIT_LIMIT_MS = 3 * 24 * 60 * 60 * 1000;
/** Attachment types that are files (a location or link URL is not downloaded). */
const DOWNLOADABLE_TYPES = new Set(['image', 'video', 'audio', 'file', 'sticker']);

/**
 * Downloads inbound attachments after the webhook is answered. A stored customer message's http(s) attachments
 * and TikTok media references are queued in the same transaction (media_downloads); after the commit, workers
 * fetch them (several at a time, retried with backoff), store them and emit `message_updated`. A permanent
 * failure keeps the platform's URL. A TikTok download whose channel needs reconnecting waits for it, as its
 * replies do. The same timer runs the orphan sweep.
 */
@Injectable()
export class MediaDownloaderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaDownloaderService.name);
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    private readonly downloads: MediaDownloadsRepository,
    private readonly media: MediaService,
    private readonly sources: InboundMediaSources,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
    this.tick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  @OnEvent('message.received', { suppressErrors: false })
  async queueDownloads({ event, manager }: DomainEventEnvelope<'message.received'>): Promise<void> {
    await this.downloads.enqueue(manager, event.workspaceId, event.data.id, this.downloadsOf(event.data));
  }

  /** Reconnected (new credentials, a refreshed token): the downloads waiting for it go now. */
  @OnEvent('channel.updated', { suppressErrors: false })
  async resumeChannel({ event, manager }: DomainEventEnvelope<'channel.updated'>): Promise<void> {
    if (event.data.status === 'active')
      await this.downloads.makeChannelDue(manager, event.workspaceId, event.data.id, LEASE_MS);
  }

  /** Only a change that queued a download (or reconnected a channel) wakes the worker: text costs no claim query. */
  @OnEvent(TRANSACTION_COMMITTED)
  onCommitted({ events }: TransactionCommitted): void {
    const wakes = (event: DomainEvent): boolean =>
      event.name === 'channel.updated' ||
      (event.name === 'message.received' &&
        this.downloadsOf((event as DomainEvent<'message.received'>).data).length > 0);
    if (events.some(wakes)) this.tick();
  }

  /** A stored message's attachments still to download: fetchable, of a kind we store, not stored yet. */
  private downloadsOf(message: Pick<MessageView, 'attachments'>): Array<{ index: number; url: string }> {
    // Events committed by other paths (or older data) may carry no attachments at all.
    return (message.attachments ?? [])
      .map((attachment, index) => ({
        index,
        url: attachment.url,
        type: attachment.type,
        mediaId: attachment.mediaId,
      }))
      .filter(
        (entry) =>
          !entry.mediaId && DOWNLOADABLE_TYPES.has(entry.type) && this.sources.isFetchable(entry.url),
      )
      .map(({ index, url }) => ({ index, url }));
  }

  private tick(): void {
    if (this.stopped) return;
    if (Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      this.media
        .sweepOrphans()
        .catch((error: unknown) => this.logger.warn(`media sweep failed: ${String(error)}`));
    }
    const free = CONCURRENCY - this.running;
    if (free <= 0) return;
    this.running += free; // reserved until the claim answers
    this.downloads.claimDue(free, LEASE_MS).then(
      (claimed) => {
        this.running -= free - claimed.length;
        for (const download of claimed) {
          void this.process(download).finally(() => {
            this.running--;
            if (claimed.length === free) this.tick();
          });
        }
      },
      (error: unknown) => {
        this.running -= free;
        if (!this.stopped) this.logger.warn(`claiming media downloads failed: ${String(error)}`);
      },
    );
  }

  private async process(download: PendingDownload): Promise<void> {
    try {
      await this.download(download);
    } catch (error) {
      const permanent =
        error instanceof PermanentFetchError ||
        error instanceof MediaTooLargeError ||
        error instanceof ValidationError ||
        error instanceof ChannelNeedsReconnectError; // waited for the reconnect long enough
      const reason = error instanceof Error ? error.message : String(error);
      if (this.stopped) return;
      if (error instanceof ChannelNeedsReconnectError && !this.waitedTooLong(download)) {
        await this.downloads.holdUntil(download, RECONNECT_RECHECK_MS, reason).catch(() => undefined);
        return;
      }
      if (permanent || download.attempts >= MAX_ATTEMPTS) {
        this.logger.warn(`inbound attachment of message ${download.messageId} not downloaded: ${reason}`);
        await this.giveUp(download).catch(() => undefined);
      } else {
        const delay = BASE_BACKOFF_MS * 2 ** (download.attempts - 1);
        await this.downloads.retryLater(download, delay, reason).catch(() => undefined);
      }
    }
  }

  private waitedTooLong(download: PendingDownload): boolean {
    return Date.now() - download.createdAt.getTime() > RECONNECT_WAIT_LIMIT_MS;
  }

  private async download(download: PendingDownload): Promise<void> {
    const source = await this.sources.resolve(download);
    const { response, done } = await safeFetch(source.url, {
      maxRedirects: MAX_REDIRECTS,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
      allowHosts: this.config.mediaFetchAllowHosts,
      headers: source.headers,
    });
    try {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.config.uploadMaxBytes) {
        response.destroy();
        throw new MediaTooLargeError(this.config.uploadMaxBytes);
      }
      const name = downloadedFileName(source.url, response.headers['content-disposition'], source.identity);
      const record = await this.media.store(response, {
        workspaceId: download.workspaceId,
        kind: 'inbound',
        name,
        messageId: download.messageId,
      });
      const updated = await this.transactions.run(async (tx) => {
        await this.downloads.remove(tx.manager, download);
        const message = await this.downloads.updateAttachment(tx.manager, download, {
          url: mediaUrl(record.id),
          mediaId: record.id,
          name: record.name,
          mimeType: record.mimeType,
          size: record.size,
          originalUrl: download.url,
        });
        if (message) {
          tx.emit(
            'message.updated',
            {
              workspaceId: message.workspaceId,
              channelId: message.channelId,
              conversationId: message.conversationId,
            },
            toMessageView(message),
          );
        }
        return message;
      });
      if (!updated) await this.media.delete(record.id);
    } finally {
      done();
    }
  }

  /** The platform URL stays the attachment's `url`, and is recorded as its originalUrl. */
  private async giveUp(download: PendingDownload): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.downloads.remove(tx.manager, download);
      await this.downloads.updateAttachment(tx.manager, download, { originalUrl: download.url });
    });
  }
}
