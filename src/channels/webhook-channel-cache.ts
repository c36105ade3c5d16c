import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { EventRelay } from '../realtime/event-relay.service.js';
import type { RelayedEvent } from '../realtime/relayed-event.js';
import type { Platform } from './entities/channel.entity.js';
import type { PlatformChannel } from './entities/platform-channel.js';
import { PlatformChannelsService } from './platform-channels.service.js';

/** Far more channels than one installation has; past it the oldest entries make room. */
const MAX_CACHED_CHANNELS = 10_000;

/** The committed events after which a channel's cached row (secrets included) may be stale. */
const INVALIDATING_EVENTS = new Set<RelayedEvent['type']>(['channel_updated', 'channel_deleted']);

const cacheKey = (platform: Platform, externalId: string): string => `${platform}\u0000${externalId}`;

/**
 * The channels webhook deliveries name, with their decrypted credentials, kept between deliveries: a
 * delivery then costs no query and no decryption. An entry is dropped when the channel's `channel_updated` or
 * `channel_deleted` event is committed on any instance (the relay reads every instance's events), so a
 * replaced secret stops verifying here within the relay's latency; a signature that fails on a cached
 * entry is checked again against a fresh read, so a new secret verifies at once.
 */
@Injectable()
export class WebhookChannelCache implements OnModuleInit, OnModuleDestroy {
  private readonly byKey = new Map<string, PlatformChannel>();
  private readonly keyById = new Map<string, string>();
  /** Bumped by every invalidation: a read that started before one must not fill the cache with what it read. */
  private generation = 0;
  private subscription: Subscription | undefined;

  constructor(
    private readonly channels: PlatformChannelsService,
    private readonly relay: EventRelay,
  ) {}

  onModuleInit(): void {
    this.subscription = this.relay.events$.subscribe((event) => {
      if (event.channelId && INVALIDATING_EVENTS.has(event.type)) this.invalidate(event.channelId);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The known channels among `externalIds` (unknown ids are looked up again on every delivery). */
  async findByExternalIds<P extends Platform>(platform: P, externalIds: string[]): Promise<PlatformChannel<P>[]> {
    const found: PlatformChannel<P>[] = [];
    const missing: string[] = [];
    for (const externalId of externalIds) {
      const cached = this.byKey.get(cacheKey(platform, externalId));
      if (cached) found.push(cached as PlatformChannel<P>);
      else missing.push(externalId);
    }
    if (missing.length === 0) return found;
    return [...found, ...(await this.readFresh(platform, missing))];
  }

  /** Reads the channels from the database, bypassing and then refreshing the cache. */
  async readFresh<P extends Platform>(platform: P, externalIds: string[]): Promise<PlatformChannel<P>[]> {
    const generation = this.generation;
    const read = await this.channels.findByExternalIds(platform, externalIds);
    if (generation === this.generation) for (const channel of read) this.remember(channel);
    return read;
  }

  invalidate(channelId: string): void {
    this.generation += 1;
    const key = this.keyById.get(channelId);
    if (key === undefined) return;
    this.keyById.delete(channelId);
    this.byKey.delete(key);
  }

  private remember(channel: PlatformChannel): void {
    const key = cacheKey(channel.platform, channel.externalId);
    this.byKey.delete(key);
    if (this.byKey.size >= MAX_CACHED_CHANNELS) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.dropKey(oldest);
    }
    this.byKey.set(key, channel);
    this.keyById.set(channel.id, key);
  }

  private dropKey(key: string): void {
    const channel = this.byKey.get(key);
    this.byKey.delete(key);
    if (channel) this.keyById.delete(channel.id);
  }
}
