import { Injectable } from '@nestjs/common';
import { canSeeEvent } from '../access/access.service.js';
import { EventLogRepository } from './event-log.repository.js';
import { toRelayedEvent } from './event-row.mapper.js';
import { EventRelay } from './event-relay.service.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { RecentEvents } from './recent-events.js';
import type { RelayedEvent } from './relayed-event.js';
import type { StreamConnection } from './stream-connection.js';
import { matchesFilters } from './stream-filters.js';
import { StreamOutput } from './stream-output.js';

const CATCH_UP_PAGE = 1000;
const CATCH_UP_DRAIN_TIMEOUT_MS = 30_000;

/**
 * Brings a resuming stream from its cursor to the relay's head — from the recent events in memory, else
 * from the log page by page — waiting for a slow client instead of cutting it, then switches it to live
 * in the same tick as its last check, so no relayed event falls between replay and live.
 */
@Injectable()
export class StreamReplay {
  constructor(
    private readonly relay: EventRelay,
    private readonly log: EventLogRepository,
    private readonly recent: RecentEvents,
    private readonly output: StreamOutput,
    private readonly metrics: RealtimeMetrics,
  ) {}

  async catchUp(connection: StreamConnection): Promise<void> {
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
        if (
          (event.userId === null || event.userId === connection.userId) &&
          canSeeEvent(connection.access, event) &&
          matchesFilters(connection.filters, event)
        ) {
          connection.write(event.frame);
          delivered += 1;
        }
      }
      if (delivered) this.metrics.eventsDelivered.inc(delivered);
      connection.cursor = !fromMemory && page.length === CATCH_UP_PAGE ? page[page.length - 1].id : target;
      if (this.output.isHalfFull(connection)) await this.drained(connection);
    }
  }

  /** A replaying stream waits for its client instead of being cut off; one that never reads is closed. */
  private drained(connection: StreamConnection): Promise<void> {
    return new Promise((resolve) => {
      const socket = connection.socket;
      const done = () => {
        clearTimeout(timeout);
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      const timeout = setTimeout(() => {
        done();
        this.output.close(connection, 'slow_consumer');
      }, CATCH_UP_DRAIN_TIMEOUT_MS);
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
}
