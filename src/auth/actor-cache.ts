import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ExpiringCache } from '../common/expiring-cache.js';
import { EventRelay } from '../realtime/event-relay.service.js';
import type { RelayedEvent } from '../realtime/relayed-event.js';
import type { UserRole } from '../users/entities/user.entity.js';

/** What an access token's user is, as last read: everything of the actor but the token's own expiry. */
export interface CachedUser {
  id: string;
  workspaceId: string;
  role: UserRole;
  email: string;
  name: string;
}

/**
 * A backstop only: every change made through the app drops entries at once (here) or as the relay brings it
 * (other instances). What the TTL still bounds is a change written outside the app (the admin CLI).
 */
export const ACTOR_CACHE_TTL_MS = 10_000;
/** Far more signed-in users than one instance serves at once; past it the oldest entries make room. */
export const ACTOR_CACHE_MAX_ENTRIES = 10_000;

/** Committed events after which a cached user may be stale: renamed, role or password changed, deleted. */
const USER_EVENTS = new Set<RelayedEvent['type']>(['user_updated', 'user_deleted']);

/**
 * The users that authenticated requests name, kept between requests: an agent reporting activity every few
 * seconds then costs no users query per request. Exact by invalidation: the service that commits a user change
 * calls `invalidate` before it answers, and every instance clears everything when the relay brings a user event
 * or an access change (they are rare). A read that started before an invalidation never fills the cache.
 */
@Injectable()
export class ActorCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new ExpiringCache<string, CachedUser>(ACTOR_CACHE_TTL_MS, ACTOR_CACHE_MAX_ENTRIES);
  private subscription: Subscription | undefined;

  constructor(private readonly relay: EventRelay) {}

  onModuleInit(): void {
    this.subscription = this.relay.events$.subscribe((event) => {
      if (event.accessChange || USER_EVENTS.has(event.type)) this.invalidateAll();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Reads through the cache; `read` is asked when the user is not known or the entry has run out. */
  async get(userId: string, read: () => Promise<CachedUser | null>, now = Date.now()): Promise<CachedUser | null> {
    const cached = this.entries.get(userId, now);
    if (cached) return cached;
    const generation = this.entries.generation;
    const user = await read();
    if (user) this.entries.set(userId, user, now, generation);
    return user;
  }

  /** After a committed change of this user, before the change is answered. */
  invalidate(userId: string): void {
    this.entries.delete(userId);
  }

  invalidateAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
