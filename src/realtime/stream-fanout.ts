import { Injectable } from '@nestjs/common';
import { canSeeEvent } from '../access/access.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RecentEvents } from './recent-events.js';
import type { RelayedEvent } from './relayed-event.js';
import { matchesFilters } from './stream-filters.js';
import { StreamOutput } from './stream-output.js';
import { StreamRegistry } from './stream-registry.js';

/**
 * The hot path: one relayed data event to every live stream of its workspace that may see it. The frame was
 * serialised once by the relay; visibility and filters are checked against in-memory state; the same bytes
 * go to every stream. One map lookup per event, none per stream.
 */
@Injectable()
export class StreamFanout {
  constructor(
    private readonly registry: StreamRegistry,
    private readonly output: StreamOutput,
    private readonly recent: RecentEvents,
    private readonly metrics: RealtimeMetrics,
  ) {}

  deliver(event: RelayedEvent): void {
    this.recent.push(event);
    const connections = this.registry.inWorkspace(event.workspaceId);
    if (!connections) return;
    const output = this.output;
    let delivered = 0;
    let filtered = 0;
    for (const connection of connections) {
      if (!connection.live || event.id <= connection.cursor) continue;
      if (
        (event.userId !== null && event.userId !== connection.userId) ||
        !canSeeEvent(connection.access, event) ||
        !matchesFilters(connection.filters, event)
      ) {
        filtered += 1;
        continue;
      }
      delivered += 1;
      output.write(connection, event.frame);
    }
    if (delivered) this.metrics.eventsDelivered.inc(delivered);
    if (filtered) this.metrics.eventsFiltered.inc(filtered);
  }
}
