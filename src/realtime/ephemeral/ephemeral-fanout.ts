import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { canSeeEvent } from '../../access/access.service.js';
import { EventRelay } from '../event-relay.service.js';
import { encodeFrame, type EncodedFrame } from '../sse-frames.js';
import type { StreamConnection } from '../stream-connection.js';
import { StreamOutput } from '../stream-output.js';
import { StreamRegistry } from '../stream-registry.js';
import { ephemeralFrame, type EphemeralEvent } from './ephemeral-event.js';

/**
 * How long an ephemeral event may wait for the next write to its streams. The contract allows 2 s; a short
 * wait lets the events of several reporters, and the next durable batch, go out in one socket write per stream.
 */
export const EPHEMERAL_FLUSH_MS = 100;

interface Pending {
  events: EphemeralEvent[];
  frames: string[];
}

/**
 * Delivers ephemeral events beside the durable path: no id, no cursor, no caught-up state touched, so a
 * stream's ordering and resume point are exactly as without them. Streams still replaying get them too
 * (they carry no position). Visibility and filters are the durable ones; conversation/channel filters apply
 * to events that belong to a conversation.
 *
 * Events are held per workspace for at most EPHEMERAL_FLUSH_MS (or until the next durable delivery, whose
 * writes they join): each event is serialised once, the frames a stream may see go out as one write, and the
 * bytes of each distinct selection of frames are built once per flush for all the streams that share it.
 */
@Injectable()
export class EphemeralFanout implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

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
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Queues an event for its workspace's streams; it goes out at the next flush. */
  deliver(event: EphemeralEvent): void {
    if (!this.registry.inWorkspace(event.workspaceId)) return;
    let pending = this.pending.get(event.workspaceId);
    if (!pending) {
      pending = { events: [], frames: [] };
      this.pending.set(event.workspaceId, pending);
    }
    pending.events.push(event);
    pending.frames.push(ephemeralFrame(event));
    this.timer ??= setTimeout(() => this.flush(), EPHEMERAL_FLUSH_MS);
  }

  /** Writes every queued event to the streams that may see it, one write per stream. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    for (const [workspaceId, { events, frames }] of pending) {
      const connections = this.registry.inWorkspace(workspaceId);
      if (connections) this.flushWorkspace(connections, events, frames);
    }
  }

  private flushWorkspace(connections: Iterable<StreamConnection>, events: EphemeralEvent[], frames: string[]): void {
    // The bytes of each selection of events (by index), built once: most streams share the same one.
    const encoded = new Map<string, EncodedFrame>();
    const selected: number[] = [];
    for (const connection of connections) {
      if (connection.closed) continue;
      selected.length = 0;
      for (let index = 0; index < events.length; index++) if (mayReceive(connection, events[index])) selected.push(index);
      if (selected.length === 0) continue;
      const key = selected.length === events.length ? '*' : selected.join(',');
      let frame = encoded.get(key);
      if (!frame) {
        frame = encodeFrame(key === '*' ? frames.join('') : selected.map((index) => frames[index]).join(''));
        encoded.set(key, frame);
      }
      this.output.write(connection, frame);
    }
  }
}

function mayReceive(connection: StreamConnection, event: EphemeralEvent): boolean {
  if (connection.userId === event.exceptUserId) return false;
  const filters = connection.filters;
  if (filters.types && !filters.types.has(event.type)) return false;
  if (event.conversationId !== null && filters.conversationId && filters.conversationId !== event.conversationId) return false;
  if (event.channelId !== null && filters.channelId && filters.channelId !== event.channelId) return false;
  return canSeeEvent(connection.access, event);
}
