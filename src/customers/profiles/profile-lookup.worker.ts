import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PlatformChannelsService } from '../../channels/platform-channels.service.js';
import type { DomainEvent } from '../../common/domain-events.js';
import {
  TRANSACTION_COMMITTED,
  TRANSACTION_EVENTS,
  type TransactionCommitted,
  type TransactionEvents,
} from '../../database/transaction-runner.js';
import type { MediaRecord } from '../../media/media.record.js';
import { SEND_TIMEOUT_MS } from '../../platforms/platform-http.js';
import { AVATAR_TIMEOUT_MS, AvatarDownloader, UnusableAvatarError } from './avatar-downloader.js';
import { ProfileApplier } from './profile-applier.js';
import { ProfileFetchers } from './profile-fetchers.js';
import { ProfileLookupsRepository, type PendingLookup } from './profile-lookups.repository.js';

/** Lookups running at once per instance: the platforms' profile APIs are rate limited. */
const CONCURRENCY = 3;
export const MAX_LOOKUP_ATTEMPTS = 5;
/** A claimed lookup is this instance's for this long: longer than a profile call and an avatar download. */
const LEASE_MS = (SEND_TIMEOUT_MS + AVATAR_TIMEOUT_MS) * 2;
const POLL_MS = 2_000;
const BASE_BACKOFF_MS = 1_000;

/**
 * Fills the names and faces of customers that webhooks created. Their lookups are queued in the transaction that
 * creates them (a listener of the transaction's events: one per platform identity with a profile API); after the commit,
 * and on a timer, due lookups are claimed and run a few at a time. A timeout, network failure, 5xx or rate limit
 * is retried with backoff up to MAX_LOOKUP_ATTEMPTS; any other refusal, a channel that needs reconnecting, or
 * the last failed attempt leaves the customer as it is.
 */
@Injectable()
export class ProfileLookupWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProfileLookupWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private claiming = false;
  private stopped = false;

  constructor(
    private readonly lookups: ProfileLookupsRepository,
    private readonly fetchers: ProfileFetchers,
    private readonly channels: PlatformChannelsService,
    private readonly avatars: AvatarDownloader,
    private readonly applier: ProfileApplier,
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

  /** All of a transaction's new customers in one insert (a webhook batch may create dozens). */
  @OnEvent(TRANSACTION_EVENTS, { suppressErrors: false })
  async queueLookups({ events, manager }: TransactionEvents): Promise<void> {
    const targets = events
      .filter((event): event is DomainEvent<'customer.created'> => event.name === 'customer.created')
      .flatMap((event) =>
        event.data.identities
          .filter((identity) => this.fetchers.for(identity.platform))
          .map((identity) => ({
            customerId: event.data.id,
            workspaceId: event.workspaceId,
            channelId: identity.channelId,
            externalUserId: identity.externalUserId,
          })),
      );
    await this.lookups.enqueue(manager, targets);
  }

  @OnEvent(TRANSACTION_COMMITTED)
  onCommitted({ events }: TransactionCommitted): void {
    if (events.some((event) => event.name === 'customer.created')) this.tick();
  }

  /** Claims as many due lookups as there are free slots; each finished one looks for more. */
  private tick(): void {
    const free = CONCURRENCY - this.running;
    if (this.stopped || this.claiming || free <= 0) return;
    this.claiming = true;
    this.lookups
      .claimDue(free, LEASE_MS)
      .then((claimed) => {
        this.running += claimed.length;
        for (const lookup of claimed)
          void this.process(lookup).finally(() => {
            this.running--;
            this.tick();
          });
      })
      .catch((error: unknown) => {
        if (!this.stopped) this.logger.warn(`claiming profile lookups failed: ${String(error)}`);
      })
      .finally(() => {
        this.claiming = false;
      });
  }

  private async process(lookup: PendingLookup): Promise<void> {
    try {
      await this.lookUp(lookup);
    } catch (error) {
      // Our own side failed (database, disk): worth another try like a platform hiccup.
      if (!this.stopped) await this.retryOrLeave(lookup, true, error instanceof Error ? error.message : String(error));
    }
  }

  private async lookUp(lookup: PendingLookup): Promise<void> {
    const fetcher = this.fetchers.for(lookup.channel.platform);
    if (!fetcher) return this.leave(lookup, 'the platform has no profile API');
    if (lookup.channelStatus !== 'active') return this.leave(lookup, 'the channel needs reconnecting');
    const result = await fetcher.fetchProfile(this.channels.withCredentials(lookup.channel), lookup.externalUserId);
    if (this.stopped) return;
    if (!result.ok) return this.retryOrLeave(lookup, result.retryable, result.error);
    let avatar: MediaRecord | null = null;
    if (result.profile.avatarUrl) {
      try {
        avatar = await this.avatars.download(result.profile.avatarUrl, lookup.workspaceId, lookup.customerId);
      } catch (error) {
        const reason = `avatar: ${error instanceof Error ? error.message : String(error)}`;
        // A picture that may still come is worth a later try; otherwise the name alone is applied.
        if (!(error instanceof UnusableAvatarError) && lookup.attempts < MAX_LOOKUP_ATTEMPTS)
          return this.retryOrLeave(lookup, true, reason);
        this.logger.warn(`customer ${lookup.customerId}: ${reason}`);
      }
    }
    await this.applier.apply(lookup, result.profile, avatar);
  }

  private async retryOrLeave(lookup: PendingLookup, retryable: boolean, reason: string): Promise<void> {
    if (!retryable || lookup.attempts >= MAX_LOOKUP_ATTEMPTS) return this.leave(lookup, reason);
    const delay = BASE_BACKOFF_MS * 2 ** (lookup.attempts - 1);
    await this.lookups.retryLater(lookup, delay, reason).catch(() => undefined);
  }

  private async leave(lookup: PendingLookup, reason: string): Promise<void> {
    this.logger.warn(`profile of customer ${lookup.customerId} not looked up: ${reason}`);
    await this.lookups.remove(lookup).catch(() => undefined);
  }
}
