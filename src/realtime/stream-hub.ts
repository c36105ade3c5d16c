import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { StreamAccess } from '../access/access.service.js';
import type { AccessChange } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventRelay } from './event-relay.service.js';
import { EphemeralFanout } from './ephemeral/ephemeral-fanout.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { encodeFrame, pingFrame, type EncodedFrame } from './sse-frames.js';
import { applyAccessChange } from './stream-access-changes.js';
import type { CloseReason, StreamConnection } from './stream-connection.js';
import { StreamFanout } from './stream-fanout.js';
import { OVER_LIMIT_GRACE_MS, StreamOutput } from './stream-output.js';
import { StreamRegistry } from './stream-registry.js';
import { StreamReplay } from './stream-replay.js';

const TICK_MAX_MS = 1000;
const SHUTDOWN_RETRY_MIN_MS = 1000;
const SHUTDOWN_RETRY_MAX_MS = 10_000;

/**
 * The streams' lifecycle: takes the relay's Subject (data events to the fan-out, access events to the
 * streams' live access, in log order), registers streams live or through a replay, drives heartbeats, token
 * expiry and slow-consumer verdicts from one shared timer, and closes every stream on shutdown.
 */
@Injectable()
export class StreamHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamHub.name);
  private subscription: Subscription | undefined;
  private batchSubscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextHeartbeatAt = 0;

  constructor(
    private readonly relay: EventRelay,
    private readonly registry: StreamRegistry,
    private readonly fanout: StreamFanout,
    private readonly replay: StreamReplay,
    private readonly output: StreamOutput,
    private readonly ephemeral: EphemeralFanout,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.subscription = this.relay.events$.subscribe((event) => {
      if (event.accessChange) this.applyAccess(event.workspaceId, event.accessChange);
      else {
        if (this.ephemeral.hasPending) this.flushEphemeral(event.workspaceId);
        this.fanout.deliver(event);
      }
    });
    this.batchSubscription = this.relay.batches$.subscribe((starts) => (starts ? this.output.beginBatch() : this.output.endBatch()));
    this.nextHeartbeatAt = Date.now() + this.config.sseHeartbeatMs;
    this.timer = setInterval(() => this.tick(), Math.min(this.config.sseHeartbeatMs, TICK_MAX_MS, OVER_LIMIT_GRACE_MS / 2));
    this.timer.unref();
  }

  /**
   * The workspace's held ephemeral frames go out with the durable event being delivered: both into the same
   * corked write per stream (the relay's batch, or one held until the end of this task).
   */
  private flushEphemeral(workspaceId: string): void {
    if (!this.output.batching) {
      this.output.beginBatch();
      queueMicrotask(() => this.output.endBatch());
    }
    this.ephemeral.flush(workspaceId);
  }

  get openCount(): number {
    return this.registry.openCount;
  }

  countForUser(userId: string): number {
    return this.registry.countForUser(userId);
  }

  /** Internal map sizes, for leak checks. */
  sizes(): ReturnType<StreamRegistry['sizes']> {
    return this.registry.sizes();
  }

  get headId(): number {
    return this.relay.headId;
  }

  /**
   * Adds a stream with its user's access (`loaded`, or undefined when the registry already shares one).
   * `resumeFrom` undefined: it starts live at the current head. Otherwise it replays every event after that
   * id up to the head, then goes live with no gap and no duplicate. `onGone` runs once the connection is
   * closed, whichever way.
   */
  register(connection: StreamConnection, loaded: StreamAccess | undefined, resumeFrom: number | undefined, onGone: () => void): void {
    this.registry.add(connection, loaded);
    this.metrics.openStreams.set(this.registry.openCount);
    // A socket closes once: a plain listener, no once() wrapper to keep per stream.
    connection.socket.on('close', () => {
      this.close(connection, 'client');
      onGone();
    });
    if (resumeFrom === undefined || resumeFrom >= this.relay.headId) {
      // Nothing to replay: live from the head, or from a later id another instance already served (events
      // up to that id are skipped when this relay reaches them).
      connection.cursor = resumeFrom ?? this.relay.headId;
      connection.live = true;
      return;
    }
    connection.cursor = resumeFrom;
    void this.replay.catchUp(connection).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'stream catch-up failed');
      this.close(connection, 'error');
    });
  }

  close(connection: StreamConnection, reason: CloseReason, retryMs?: number): void {
    this.output.close(connection, reason, retryMs);
  }

  private applyAccess(workspaceId: string, change: AccessChange): void {
    const toClose = applyAccessChange(this.registry, workspaceId, change);
    if (!toClose) {
      this.logger.warn({ change }, 'unknown access change');
      return;
    }
    for (const connection of toClose) this.close(connection, 'access_changed', this.config.sseRetryMs);
  }

  private tick(): void {
    const now = Date.now();
    const heartbeat = now >= this.nextHeartbeatAt;
    if (heartbeat) this.nextHeartbeatAt = now + this.config.sseHeartbeatMs;
    const frames = new Map<number, EncodedFrame>();
    // Deleting from a Set or Map while iterating it is safe in JS: closing here needs no copies.
    for (const user of this.registry.users()) {
      for (const connection of user.connections) {
        if (connection.expiresAt <= now) {
          this.close(connection, 'token_expired', this.config.sseRetryMs);
          continue;
        }
        if (this.output.checkOverLimit(connection, now)) continue;
        if (!heartbeat) continue;
        const caughtUp = connection.live ? Math.max(this.relay.headId, connection.cursor) : connection.cursor;
        let frame = frames.get(caughtUp);
        if (!frame) {
          frame = encodeFrame(pingFrame(caughtUp, now));
          frames.set(caughtUp, frame);
        }
        this.output.write(connection, frame);
      }
    }
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    this.batchSubscription?.unsubscribe();
    this.output.endBatch();
    const spread = SHUTDOWN_RETRY_MAX_MS - SHUTDOWN_RETRY_MIN_MS;
    for (const user of [...this.registry.users()]) {
      for (const connection of [...user.connections]) {
        // A randomised retry so that clients do not all come back at the same moment.
        this.close(connection, 'shutdown', SHUTDOWN_RETRY_MIN_MS + Math.floor(Math.random() * spread));
      }
    }
  }
}
