import { Module, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HealthChecks } from '../health/health-checks.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { EphemeralFanout } from './ephemeral/ephemeral-fanout.js';
import { EphemeralPublisher } from './ephemeral/ephemeral-publisher.js';
import { ClusterPeers } from './presence/cluster-peers.js';
import { PresenceController } from './presence/presence.controller.js';
import { PresenceRepository } from './presence/presence.repository.js';
import { PresenceService } from './presence/presence.service.js';
import { EventCursorsService } from './event-cursors.service.js';
import { EventLogRepository } from './event-log.repository.js';
import { EventLogWriter } from './event-log.writer.js';
import { EventRelay } from './event-relay.service.js';
import { EventRetentionService } from './event-retention.service.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { StreamAccessLoader } from './stream-access.loader.js';
import { StreamAuthGuard } from './stream-auth.guard.js';
import { RecentEvents } from './recent-events.js';
import { StreamFanout } from './stream-fanout.js';
import { StreamHub } from './stream-hub.js';
import { StreamOutput } from './stream-output.js';
import { StreamRegistry } from './stream-registry.js';
import { StreamReplay } from './stream-replay.js';
import { StreamTicketsService } from './stream-tickets.service.js';
import { StreamsService } from './streams.service.js';

/**
 * Committed domain events → the event log (EventLogWriter, inside each change's transaction) → the relay's
 * one RxJS Subject (EventRelay) → every open stream that may see them (StreamHub, served by the @Sse() route).
 */
@Module({
  imports: [MetricsModule],
  controllers: [EventsController, PresenceController],
  providers: [
    EventLogWriter,
    EventLogRepository,
    EventRelay,
    StreamHub,
    StreamRegistry,
    StreamFanout,
    StreamReplay,
    StreamOutput,
    { provide: RecentEvents, useFactory: () => new RecentEvents() },
    StreamsService,
    StreamAccessLoader,
    StreamAuthGuard,
    StreamTicketsService,
    EventCursorsService,
    EventsService,
    EventRetentionService,
    RealtimeMetrics,
    EphemeralPublisher,
    EphemeralFanout,
    PresenceRepository,
    PresenceService,
    ClusterPeers,
  ],
  exports: [EventRelay, StreamHub, EventRetentionService, EphemeralPublisher, StreamRegistry, PresenceService],
})
export class RealtimeModule implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    private readonly indicators: HealthIndicatorService,
    private readonly relay: EventRelay,
  ) {}

  onModuleInit(): void {
    this.checks.register(() => {
      const session = this.indicators.check('eventListener');
      return Promise.resolve(this.relay.isListening ? session.up() : session.down({ message: 'LISTEN connection is down' }));
    });
  }
}
