import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { canSeeEvent, type StreamAccess } from '../access/access.service.js';
import type { AccessChange } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventLogRepository } from './event-log.repository.js';
import { toRelayedEvent } from './event-row.mapper.js';
import { EventRelay } from './event-relay.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RecentEvents } from './recent-events.js';
import type { RelayedEvent } from './relayed-event.js';
import { encodeFrame, pingFrame, retryFrame, type EncodedFrame } from './sse-frames.js';
import type { CloseReason, StreamConnection } from './stream-connection.js';
import { matchesFilters } from './stream-filters.js';

const CATCH_UP_PAGE = 1000;
const TICK_MAX_MS = 1000;
const SHUTDOWN_RETRY_MIN_MS = 1000;
const SHUTDOWN_RETRY_MAX_MS = 10_000;
const CATCH_UP_DRAIN_TIMEOUT_MS = 30_000;
/**
 * A burst written in one tick (a relay batch) can put a healthy client over the limit for a moment: it is cut
 * only if it is still over the limit this long after, or at once past HARD_LIMIT_FACTOR times the limit.
 */
const OVER_LIMIT_GRACE_MS = 1000;
const HARD_LIMIT_FACTOR = 4;

interface UserStreams {
  access: StreamAccess;
  connections: Set<StreamConnection>;
}

/**
 * Fans the relay's Subject out to the open streams. The hot path is deliberately thin: each event's frame is
 * serialised once (by the relay), visibility and filters are checked against in-memory maps, and the same
 * bytes are written straight to every response that may see them. One shared timer drives heartbeats and
 * token expiry for all streams.
 */
@Injectable()
export class StreamHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamHub.name);
  private readonly byWorkspace = new Map<string, Set<StreamConnection>>();
  private readonly byUser = new Map<string, UserStreams>();
  /** Bumped per workspace by every access change, so an access snapshot loaded concurrently can be re-read. */
  private readonly accessVersions = new Map<string, number>();
  private readonly recent = new RecentEvents();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextHeartbeatAt = 0;
  private count = 0;

  constructor(
    private readonly relay: EventRelay,
    private readonly log: EventLogRepository,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.subscription = this.relay.events$.subscribe((event) => this.dispatch(event));
    this.nextHeartbeatAt = Date.now() + this.config.sseHeartbeatMs;
    this.timer = setInterval(() => this.tick(), Math.min(this.config.sseHeartbeatMs, TICK_MAX_MS, OVER_LIMIT_GRACE_MS / 2));
    this.timer.unref();
  }

  get openCount(): number {
    return this.count;
  }

  countForUser(userId: string): number {
    return this.byUser.get(userId)?.connections.size ?? 0;
  }

  /** Internal map sizes, for leak checks. */
  sizes(): { workspaces: number; users: number; connections: number; accessVersions: number } {
    return { workspaces: this.byWorkspace.size, users: this.byUser.size, connections: this.count, accessVersions: this.accessVersions.size };
  }

  accessVersion(workspaceId: string): number {
    return this.accessVersions.get(workspaceId) ?? 0;
  }

  /** The live access of a user who already has streams here (kept current by access events). */
  existingAccess(userId: string): StreamAccess | undefined {
    return this.byUser.get(userId)?.access;
  }

  get headId(): number {
    return this.relay.headId;
  }

  /**
   * Adds a stream. `resumeFrom` undefined: it starts live at the current head. Otherwise it replays every
   * event after that id up to the head, then goes live with no gap and no duplicate.
   */
  register(connection: StreamConnection, resumeFrom: number | undefined): void {
    let user = this.byUser.get(connection.userId);
    if (!user) {
      user = { access: connection.access, connections: new Set() };
      this.byUser.set(connection.userId, user);
    }
    user.connections.add(connection);
    let workspace = this.byWorkspace.get(connection.workspaceId);
    if (!workspace) {
      workspace = new Set();
      this.byWorkspace.set(connection.workspaceId, workspace);
    }
    workspace.add(connection);
    this.count += 1;
    this.metrics.openStreams.set(this.count);
    connection.response.once('close', () => this.close(connection, 'client'));
    if (resumeFrom === undefined || resumeFrom >= this.relay.headId) {
      // Nothing to replay: live from the head, or from a later id another instance already served (events
      // up to that id are skipped when this relay reaches them).
      connection.cursor = resumeFrom ?? this.relay.headId;
      connection.live = true;
      return;
    }
    connection.cursor = resumeFrom;
    void this.catchUp(connection).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'stream catch-up failed');
      this.close(connection, 'error');
    });
  }

  close(connection: StreamConnection, reason: CloseReason, retryMs?: number): void {
    if (connection.closed) return;
    connection.closed = true;
    const user = this.byUser.get(connection.userId);
    if (user) {
      user.connections.delete(connection);
      if (user.connections.size === 0) this.byUser.delete(connection.userId);
    }
    const workspace = this.byWorkspace.get(connection.workspaceId);
    if (workspace) {
      workspace.delete(connection);
      if (workspace.size === 0) {
        this.byWorkspace.delete(connection.workspaceId);
        this.accessVersions.delete(connection.workspaceId);
      }
    }
    this.count -= 1;
    this.metrics.openStreams.set(this.count);
    const response = connection.response;
    if (reason === 'slow_consumer') {
      this.metrics.slowConsumerDisconnects.inc();
      response.destroy();
    } else if (reason !== 'client' && !response.writableEnded) {
      response.end(retryMs === undefined ? undefined : retryFrame(retryMs));
    }
  }

  private dispatch(event: RelayedEvent): void {
    if (event.accessChange) {
      this.applyAccessChange(event.workspaceId, event.accessChange);
      return;
    }
    this.recent.push(event);
    const connections = this.byWorkspace.get(event.workspaceId);
    if (!connections) return;
    let delivered = 0;
    let filtered = 0;
    for (const connection of connections) {
      if (!connection.live || event.id <= connection.cursor) continue;
      if (!canSeeEvent(connection.access, event) || !matchesFilters(connection.filters, event)) {
        filtered += 1;
        continue;
      }
      delivered += 1;
      this.write(connection, event.frame);
    }
    if (delivered) this.metrics.eventsDelivered.inc(delivered);
    if (filtered) this.metrics.eventsFiltered.inc(filtered);
  }

  private write(connection: StreamConnection, frame: EncodedFrame): void {
    // write() is false only once the socket buffers past its high-water mark: only then count the bytes.
    if (connection.write(frame)) return;
    const unsent = connection.unsentBytes;
    if (unsent <= this.config.sseMaxBufferBytes) return;
    if (unsent > this.config.sseMaxBufferBytes * HARD_LIMIT_FACTOR) this.close(connection, 'slow_consumer');
    else if (connection.overLimitSince === 0) connection.overLimitSince = Date.now();
  }

  /** Slow-consumer verdict for a stream that went over the limit: cut if it has not drained within the grace. */
  private checkOverLimit(connection: StreamConnection, now: number): boolean {
    if (connection.overLimitSince === 0) return false;
    if (connection.unsentBytes <= this.config.sseMaxBufferBytes) {
      connection.overLimitSince = 0;
      return false;
    }
    if (now - connection.overLimitSince < OVER_LIMIT_GRACE_MS) return false;
    this.close(connection, 'slow_consumer');
    return true;
  }

  /** Replays (cursor, head] from memory or the log, page by page, then switches to live in the same tick. */
  private async catchUp(connection: StreamConnection): Promise<void> {
    while (!connection.closed) {
      const target = this.relay.headId;
      if (connection.cursor >= target) {
        connection.live = true; // synchronous with the check: no relayed event can slip in between
        return;
      }
      const fromMemory = this.recent.range(connection.cursor, target);
      let page: RelayedEvent[];
      if (fromMemory) {
        page = fromMemory;
      } else {
        page = (await this.log.readRange(connection.cursor, target, CATCH_UP_PAGE)).map(toRelayedEvent);
        if (connection.closed) return;
      }
      let delivered = 0;
      for (const event of page) {
        if (event.accessChange || event.id <= connection.cursor) continue;
        if (canSeeEvent(connection.access, event) && matchesFilters(connection.filters, event)) {
          connection.write(event.frame);
          delivered += 1;
        }
      }
      if (delivered) this.metrics.eventsDelivered.inc(delivered);
      connection.cursor = !fromMemory && page.length === CATCH_UP_PAGE ? page[page.length - 1].id : target;
      if (connection.unsentBytes > this.config.sseMaxBufferBytes / 2) await this.drained(connection);
    }
  }

  /** A replaying stream waits for its client instead of being cut off; one that never reads is closed. */
  private drained(connection: StreamConnection): Promise<void> {
    return new Promise((resolve) => {
      const response = connection.response;
      const done = () => {
        clearTimeout(timeout);
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      const timeout = setTimeout(() => {
        done();
        this.close(connection, 'slow_consumer');
      }, CATCH_UP_DRAIN_TIMEOUT_MS);
      response.once('drain', done);
      response.once('close', done);
    });
  }

  private applyAccessChange(workspaceId: string, change: AccessChange): void {
    this.accessVersions.set(workspaceId, this.accessVersion(workspaceId) + 1);
    switch (change.kind) {
      case 'channel_members': {
        const members = new Set(change.userIds);
        for (const [userId, user] of this.byUser) {
          if (user.access.workspaceId !== workspaceId) continue;
          if (members.has(userId)) user.access.channelIds.add(change.channelId);
          else user.access.channelIds.delete(change.channelId);
        }
        return;
      }
      case 'channel_deleted':
        for (const user of this.byUser.values()) {
          if (user.access.workspaceId === workspaceId) user.access.channelIds.delete(change.channelId);
        }
        return;
      case 'user_changed': {
        // Deleted or role changed: close the user's streams; the client reconnects with what it may now see.
        const user = this.byUser.get(change.userId);
        for (const connection of [...(user?.connections ?? [])]) this.close(connection, 'access_changed', this.config.sseRetryMs);
        return;
      }
      default: {
        const unknown: never = change;
        this.logger.warn({ change: unknown }, 'unknown access change');
      }
    }
  }

  private tick(): void {
    const now = Date.now();
    const heartbeat = now >= this.nextHeartbeatAt;
    if (heartbeat) this.nextHeartbeatAt = now + this.config.sseHeartbeatMs;
    const frames = new Map<number, EncodedFrame>();
    // Deleting from a Set or Map while iterating it is safe in JS: closing here needs no copies.
    for (const user of this.byUser.values()) {
      for (const connection of user.connections) {
        if (connection.expiresAt <= now) {
          this.close(connection, 'token_expired', this.config.sseRetryMs);
          continue;
        }
        if (this.checkOverLimit(connection, now)) continue;
        if (!heartbeat) continue;
        const caughtUp = connection.live ? Math.max(this.relay.headId, connection.cursor) : connection.cursor;
        let frame = frames.get(caughtUp);
        if (!frame) {
          frame = encodeFrame(pingFrame(caughtUp, now));
          frames.set(caughtUp, frame);
        }
        this.write(connection, frame);
      }
    }
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    const spread = SHUTDOWN_RETRY_MAX_MS - SHUTDOWN_RETRY_MIN_MS;
    for (const user of [...this.byUser.values()]) {
      for (const connection of [...user.connections]) {
        // A randomised retry so that clients do not all come back at the same moment.
        this.close(connection, 'shutdown', SHUTDOWN_RETRY_MIN_MS + Math.floor(Math.random() * spread));
      }
    }
  }
}
