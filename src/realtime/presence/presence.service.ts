import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AuthUser } from '../../auth/auth-user.js';
import { RateLimitedError } from '../../common/errors/domain-errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TRANSACTION_COMMITTED, type TransactionCommitted } from '../../database/transaction-runner.js';
import { instanceStarted } from '../ephemeral/ephemeral-event.js';
import { EphemeralPublisher } from '../ephemeral/ephemeral-publisher.js';
import { StreamRegistry } from '../stream-registry.js';
import { ClusterPeers } from './cluster-peers.js';
import { PresenceRepository, type PresenceChange, type PresenceStatus, type PresenceTimings } from './presence.repository.js';

/** How often presence is re-evaluated (and pending activity written): away/offline changes show within this. */
const EVALUATE_MAX_MS = 1000;
/** Heartbeats an instance may miss before it counts as dead. */
const MISSED_HEARTBEATS = 3;

export interface PresenceItem {
  userId: string;
  status: PresenceStatus;
  since: string | null;
}

/**
 * Presence and the cross-instance registry of open streams. Each instance writes its heartbeat and its stream
 * counts per user on a timer (one statement for all users), counts each stream open and close at once (the
 * per-user limit holds across instances), and batches activity. Transitions are decided by one UPDATE … WHERE
 * status <> new, so exactly one instance announces each `presence_changed`.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId: string;
  private readonly timings: PresenceTimings;
  private readonly pendingActivity = new Map<string, string>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private evaluateTimer: NodeJS.Timeout | undefined;
  private evaluating: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly presence: PresenceRepository,
    private readonly registry: StreamRegistry,
    private readonly publisher: EphemeralPublisher,
    private readonly peers: ClusterPeers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.instanceId = peers.instanceId;
    this.timings = {
      awayMs: config.presenceAwayMs,
      offlineGraceMs: config.presenceOfflineGraceMs,
      instanceTimeoutMs: config.instanceHeartbeatMs * MISSED_HEARTBEATS,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.presence.heartbeat(this.instanceId);
    // The others learn of this instance now, not at their next heartbeat: until then they would keep their
    // ephemeral events to themselves.
    await this.publisher.notify(instanceStarted(this.instanceId));
    await this.lookForPeers();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.config.instanceHeartbeatMs);
    this.heartbeatTimer.unref();
    const evaluateMs = Math.min(EVALUATE_MAX_MS, this.config.presenceAwayMs, Math.max(100, this.config.presenceOfflineGraceMs));
    this.evaluateTimer = setInterval(() => this.evaluateSoon(), evaluateMs);
    this.evaluateTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.evaluateTimer);
    await this.evaluating;
    await this.presence.removeInstance(this.instanceId).catch(() => undefined);
  }

  /** Counts a new stream (429 past SSE_MAX_CONNECTIONS_PER_USER on all instances together); opening one is activity. */
  async streamOpened(actor: AuthUser): Promise<void> {
    const max = this.config.sseMaxConnectionsPerUser;
    if (!(await this.presence.openStream(this.instanceId, actor.id, max, this.timings.instanceTimeoutMs))) {
      throw new RateLimitedError(`At most ${max} open streams per user`, Math.ceil(this.config.sseRetryMs / 1000));
    }
    // Written with the evaluation it triggers (one batched statement), not one more round trip per open.
    this.touch(actor);
    this.evaluateSoon();
  }

  async streamClosed(actor: AuthUser): Promise<void> {
    await this.presence.closeStream(this.instanceId, actor.id).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not record a closed stream; the next heartbeat corrects it');
    });
  }

  /** Records activity; written with the next evaluation (within a second). */
  touch(actor: Pick<AuthUser, 'id' | 'workspaceId'>): void {
    this.pendingActivity.set(actor.id, actor.workspaceId);
  }

  /** Sending a message is activity. */
  @OnEvent(TRANSACTION_COMMITTED)
  onCommitted({ events }: TransactionCommitted): void {
    for (const event of events) {
      if (event.name === 'message.sent' && 'senderUserId' in event.data && event.data.senderUserId && event.data.status === 'pending') {
        this.touch({ id: event.data.senderUserId, workspaceId: event.workspaceId });
      }
    }
  }

  async list(actor: AuthUser): Promise<{ items: PresenceItem[] }> {
    const rows = await this.presence.listForWorkspace(actor.workspaceId);
    return {
      items: rows.map((row) => ({ userId: row.user_id, status: row.status ?? 'offline', since: row.since ? row.since.toISOString() : null })),
    };
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.presence.heartbeat(this.instanceId);
      const counts = new Map<string, number>();
      for (const user of this.registry.users()) {
        for (const connection of user.connections) counts.set(connection.userId, (counts.get(connection.userId) ?? 0) + 1);
      }
      await this.presence.syncCounts(this.instanceId, counts);
      await this.presence.expireDeadInstances(this.timings.instanceTimeoutMs);
      await this.lookForPeers();
    } catch (error) {
      this.logger.warn({ err: error }, 'instance heartbeat failed');
    }
  }

  private async lookForPeers(): Promise<void> {
    const observation = this.peers.observation;
    this.peers.observed(await this.presence.otherLiveInstances(this.instanceId, this.timings.instanceTimeoutMs), observation);
  }

  private evaluateSoon(): void {
    if (this.stopped || this.evaluating) return;
    this.evaluating = this.evaluate()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'presence evaluation failed'))
      .finally(() => (this.evaluating = undefined));
  }

  private async evaluate(): Promise<void> {
    if (this.pendingActivity.size > 0) {
      const touched = [...this.pendingActivity].map(([userId, workspaceId]) => ({ userId, workspaceId }));
      this.pendingActivity.clear();
      await this.presence.touch(touched);
    }
    for (const change of await this.presence.applyTransitions(this.timings)) await this.announce(change);
  }

  private announce(change: PresenceChange): Promise<void> {
    return this.publisher.publish({
      type: 'presence_changed',
      workspaceId: change.workspaceId,
      channelId: null,
      conversationId: null,
      exceptUserId: null,
      data: { userId: change.userId, status: change.status, since: change.since ? change.since.toISOString() : null },
    });
  }
}
