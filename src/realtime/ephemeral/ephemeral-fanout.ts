import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { canSeeEvent, type StreamAccess } from '../../access/access.service.js';
import { EventRelay } from '../event-relay.service.js';
import { encodeFrame, type EncodedFrame } from '../sse-frames.js';
import type { StreamConnection } from '../stream-connection.js';
import type { StreamFilters } from '../stream-filters.js';
import { StreamOutput } from '../stream-output.js';
import { StreamRegistry } from '../stream-registry.js';
import type { EphemeralEvent } from './ephemeral-event.js';
import { EphemeralHold, type HeldEvents } from './ephemeral-hold.js';

/**
 * Deadlines this close to the one that fired go out with it: one timer wake-up instead of several a few
 * milliseconds apart.
 */
const DEADLINE_SLACK_MS = 20;

/**
 * Delivers ephemeral events beside the durable path: no id, no cursor, no caught-up state touched, so a
 * stream's ordering and resume point are exactly as without them. Streams still replaying get them too
 * (they carry no position). Visibility and filters are the durable ones, checked when the frames are
 * written; conversation/channel filters apply to events that belong to a conversation.
 *
 * Events wait per workspace (EphemeralHold) for the workspace's next durable delivery, whose corked socket
 * writes they join (the stream hub calls flush(workspaceId) first), or for their deadline when no durable event
 * comes: with durable traffic flowing they cost no socket write of their own. Each event is serialised once,
 * and the bytes of each distinct selection of frames are built once per flush for all the streams sharing it.
 */
@Injectable()
export class EphemeralFanout implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;
  private readonly hold = new EphemeralHold();
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
    return this.hold.size > 0;
  }

  /** Holds an event for its workspace's streams until their next write, at most until its deadline. */
  deliver(event: EphemeralEvent): void {
    if (!this.registry.inWorkspace(event.workspaceId)) return;
    this.hold.add(event, Date.now());
    this.armTimer();
  }

  /**
   * Writes the events held for one workspace to the streams that may see them, one write per stream. The hub
   * calls it right before a durable event of that workspace goes out.
   */
  flush(workspaceId: string): void {
    const held = this.hold.take(workspaceId);
    if (held) this.write(held);
  }

  private armTimer(): void {
    if (this.timer) return;
    const dueAt = this.hold.nextDueAt;
    if (dueAt === undefined) return;
    this.timer = setTimeout(() => this.flushDue(), Math.max(0, dueAt - Date.now()));
  }

  /** The deadline came with no durable write to join (or the timer is late for events already gone). */
  private flushDue(): void {
    this.timer = undefined;
    for (const held of this.hold.takeDue(Date.now() + DEADLINE_SLACK_MS)) this.write(held);
    this.armTimer();
  }

  private write({ workspaceId, events, frames }: HeldEvents): void {
    const connections = this.registry.inWorkspace(workspaceId);
    if (!connections) return;
    // The bytes of each selection of events (by index), built once: most streams share the same one.
    const encoded = new Map<string, EncodedFrame>();
    // A user's streams share one live access: without filters they all get the same selection, decided once.
    const byAccess = new Map<StreamAccess, EncodedFrame | null>();
    for (const connection of connections) {
      if (connection.closed) continue;
      const unfiltered = hasNoFilters(connection.filters);
      let frame = unfiltered ? byAccess.get(connection.access) : undefined;
      if (frame === undefined) {
        frame = selectFrames(connection, events, frames, encoded);
        if (unfiltered) byAccess.set(connection.access, frame);
      }
      if (frame) this.output.write(connection, frame);
    }
  }
}

/** The frames of `events` this stream may receive, as one encoded write (shared through `encoded`); null: none. */
function selectFrames(connection: StreamConnection, events: EphemeralEvent[], frames: string[], encoded: Map<string, EncodedFrame>): EncodedFrame | null {
  const selected: number[] = [];
  for (let index = 0; index < events.length; index++) if (mayReceive(connection, events[index])) selected.push(index);
  if (selected.length === 0) return null;
  const key = selected.length === events.length ? '*' : selected.join(',');
  let frame = encoded.get(key);
  if (!frame) {
    frame = encodeFrame(key === '*' ? frames.join('') : selected.map((index) => frames[index]).join(''));
    encoded.set(key, frame);
  }
  return frame;
}

function hasNoFilters(filters: StreamFilters): boolean {
  return filters.types === null && filters.conversationId === null && filters.channelId === null;
}

function mayReceive(connection: StreamConnection, event: EphemeralEvent): boolean {
  if (connection.userId === event.exceptUserId) return false;
  const filters = connection.filters;
  if (filters.types && !filters.types.has(event.type)) return false;
  if (event.conversationId !== null && filters.conversationId && filters.conversationId !== event.conversationId) return false;
  if (event.channelId !== null && filters.channelId && filters.channelId !== event.channelId) return false;
  return canSeeEvent(connection.access, event);
}
