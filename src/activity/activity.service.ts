import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { NotFoundError, RateLimitedError } from '../common/errors/domain-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { EphemeralPublisher } from '../realtime/ephemeral/ephemeral-publisher.js';
import { EventRelay } from '../realtime/event-relay.service.js';
import { PresenceService } from '../realtime/presence/presence.service.js';
import { ActivityCoalescer } from './activity-coalescer.js';
import { ActivityRateLimiter } from './activity-rate-limiter.js';
import { VisibilityCache } from './visibility-cache.js';
import type { ActivityKind } from './dto/report-activity.dto.js';

const SWEEP_MS = 10_000;

/**
 * `POST /api/conversations/:id/activity`: who is viewing or typing where. Reports become `agent_activity`
 * ephemeral events (never in the event log) for the other users who can see the conversation. Clients expire
 * a report at its `expiresAt`; no `idle` is sent when a report simply runs out.
 */
@Injectable()
export class ActivityService implements OnModuleDestroy {
  private readonly limiter = new ActivityRateLimiter();
  private readonly coalescer: ActivityCoalescer;
  private readonly visible = new VisibilityCache();
  private readonly sweeper: NodeJS.Timeout;
  private readonly accessChanges: Subscription;

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly publisher: EphemeralPublisher,
    private readonly presence: PresenceService,
    relay: EventRelay,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.coalescer = new ActivityCoalescer(config.activityTtlMs);
    this.sweeper = setInterval(() => {
      const now = Date.now();
      this.limiter.sweep(now);
      this.coalescer.sweep(now);
      this.visible.sweep(now);
    }, SWEEP_MS);
    this.sweeper.unref();
    // Membership, channel deletion and user changes arrive on every instance in log order: forget every answer.
    this.accessChanges = relay.events$.subscribe((event) => {
      if (event.accessChange) this.visible.clear();
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.accessChanges.unsubscribe();
  }

  async report(actor: AuthUser, conversationId: string, kind: ActivityKind): Promise<void> {
    const now = Date.now();
    if (kind !== 'idle') {
      const waitMs = this.limiter.take(actor.id, now);
      if (waitMs > 0) throw new RateLimitedError('At most 5 activity reports a second', Math.max(1, Math.ceil(waitMs / 1000)));
    }
    const channelId = await this.visibleChannel(actor, conversationId, now);
    this.presence.touch(actor);
    const expiresAt = this.coalescer.decide(actor.id, conversationId, kind, now);
    if (expiresAt === null) return;
    await this.publisher.publish({
      type: 'agent_activity',
      workspaceId: actor.workspaceId,
      channelId,
      conversationId,
      exceptUserId: actor.id,
      data: { conversationId, userId: actor.id, name: actor.name, kind, expiresAt: new Date(expiresAt).toISOString() },
    });
  }

  /** The conversation's channel when the actor may see it (404 otherwise), from the cache while it holds. */
  private async visibleChannel(actor: AuthUser, conversationId: string, now: number): Promise<string> {
    const known = this.visible.get(actor.id, conversationId, now);
    if (known !== undefined) return known;
    const generation = this.visible.generation;
    const conversation = await this.conversations.getVisible(actor, conversationId);
    if (!conversation) throw new NotFoundError('Conversation not found');
    this.visible.set(actor.id, conversationId, conversation.channelId, now, generation);
    return conversation.channelId;
  }
}
