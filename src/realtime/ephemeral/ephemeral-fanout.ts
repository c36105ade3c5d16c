import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { canSeeEvent } from '../../access/access.service.js';
import { EventRelay } from '../event-relay.service.js';
import { encodeFrame } from '../sse-frames.js';
import { StreamOutput } from '../stream-output.js';
import { StreamRegistry } from '../stream-registry.js';
import { ephemeralFrame, type EphemeralEvent } from './ephemeral-event.js';

/**
 * Delivers ephemeral events beside the durable path: no id, no cursor, no caught-up state touched, so a
 * stream's ordering and resume point are exactly as without them. Streams still replaying get them too
 * (they carry no position). Visibility and filters are the durable ones; conversation/channel filters apply
 * to events that belong to a conversation.
 */
@Injectable()
export class EphemeralFanout implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly relay: EventRelay,
    private readonly registry: StreamRegistry,
    private readonly output: StreamOutput,
  ) {}

  onModuleInit(): void {
    this.subscription = this.relay.ephemeral$.subscribe((event) => this.deliver(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  deliver(event: EphemeralEvent): void {
    const connections = this.registry.inWorkspace(event.workspaceId);
    if (!connections) return;
    const frame = encodeFrame(ephemeralFrame(event));
    for (const connection of connections) {
      if (connection.closed || connection.userId === event.exceptUserId) continue;
      const filters = connection.filters;
      if (filters.types && !filters.types.has(event.type)) continue;
      if (event.conversationId !== null && filters.conversationId && filters.conversationId !== event.conversationId) continue;
      if (event.channelId !== null && filters.channelId && filters.channelId !== event.channelId) continue;
      if (!canSeeEvent(connection.access, event)) continue;
      this.output.write(connection, frame);
    }
  }
}
