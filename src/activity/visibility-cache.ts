import { ExpiringCache } from '../common/expiring-cache.js';

/**
 * How long a reporter's visibility of a conversation is taken as known without asking the database again.
 * Every change that can take it away (membership, channel deleted, user changed) clears the cache as it is
 * relayed, so this is only a backstop; reporters repeat every few seconds, and a bound of a few repeats would
 * cost a conversation query every few reports.
 */
export const VISIBILITY_TTL_MS = 60_000;
/** Entries kept at most (oldest dropped first): a bound, not a working-set size. */
export const VISIBILITY_MAX_ENTRIES = 10_000;

/**
 * Which conversations a user was just allowed to report on, and their channel. Typing and viewing repeat every
 * few seconds on the same conversation: asking the database each time is one query per report for an answer
 * that changes only with membership. Only positive answers are kept; the owner clears everything on any access
 * change (membership, channel deleted, user changed) as the relay delivers it, and the TTL bounds the rest.
 */
export class VisibilityCache {
  private readonly entries: ExpiringCache<string, string>;

  constructor(ttlMs = VISIBILITY_TTL_MS, maxEntries = VISIBILITY_MAX_ENTRIES) {
    this.entries = new ExpiringCache(ttlMs, maxEntries);
  }

  /** The conversation's channel when the user was allowed to see it within the TTL, else undefined. */
  get(userId: string, conversationId: string, now: number): string | undefined {
    return this.entries.get(`${userId}:${conversationId}`, now);
  }

  /** Changes at every clear: an answer read from the database before a clear is not stored after it. */
  get generation(): number {
    return this.entries.generation;
  }

  set(userId: string, conversationId: string, channelId: string, now: number, generation: number): void {
    this.entries.set(`${userId}:${conversationId}`, channelId, now, generation);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops expired entries. */
  sweep(now: number): void {
    this.entries.sweep(now);
  }

  get size(): number {
    return this.entries.size;
  }
}
