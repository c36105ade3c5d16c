import { ephemeralFrame, type EphemeralEvent } from './ephemeral-event.js';

/**
 * How long an ephemeral event may wait for the next durable write to its workspace's streams. The contract
 * allows 2 s; this leaves more than half of it for NOTIFY between instances and a loaded machine. With durable
 * traffic flowing the wait is the gap to the next durable event, and the frames ride in its socket write.
 */
export const EPHEMERAL_HOLD_MS = 750;

/** One workspace's waiting events, each serialised once, and when they must go out at the latest. */
export interface HeldEvents {
  workspaceId: string;
  events: EphemeralEvent[];
  frames: string[];
  /** Index in `events` of the event each coalescing key holds. */
  byKey: Map<string, number>;
  dueAt: number;
}

/**
 * Ephemeral events waiting for their workspace's next write. A later event with the same coalescing key (the
 * same user's activity on the same conversation, the same user's presence) replaces the one waiting, in its
 * place: the clients would only ever keep the later one. Every workspace waits the same time, so the map's
 * insertion order is its deadline order.
 */
export class EphemeralHold {
  private readonly held = new Map<string, HeldEvents>();

  constructor(private readonly holdMs = EPHEMERAL_HOLD_MS) {}

  get size(): number {
    return this.held.size;
  }

  /** The earliest deadline of the events waiting, or undefined when none wait. */
  get nextDueAt(): number | undefined {
    for (const waiting of this.held.values()) return waiting.dueAt;
    return undefined;
  }

  add(event: EphemeralEvent, now: number): void {
    let waiting = this.held.get(event.workspaceId);
    if (!waiting) {
      waiting = { workspaceId: event.workspaceId, events: [], frames: [], byKey: new Map(), dueAt: now + this.holdMs };
      this.held.set(event.workspaceId, waiting);
    }
    const key = coalescingKey(event);
    const index = key === undefined ? undefined : waiting.byKey.get(key);
    if (index !== undefined) {
      waiting.events[index] = event;
      waiting.frames[index] = ephemeralFrame(event);
      return;
    }
    if (key !== undefined) waiting.byKey.set(key, waiting.events.length);
    waiting.events.push(event);
    waiting.frames.push(ephemeralFrame(event));
  }

  /** Removes and returns the workspace's waiting events (undefined when none wait). */
  take(workspaceId: string): HeldEvents | undefined {
    const waiting = this.held.get(workspaceId);
    if (waiting) this.held.delete(workspaceId);
    return waiting;
  }

  /** Removes and returns every workspace's events whose deadline is at or before `until`. */
  takeDue(until: number): HeldEvents[] {
    const due: HeldEvents[] = [];
    for (const [workspaceId, waiting] of this.held) {
      if (waiting.dueAt > until) break;
      this.held.delete(workspaceId);
      due.push(waiting);
    }
    return due;
  }
}

/** Events that supersede one another: the same user's activity on one conversation, the same user's presence. */
function coalescingKey(event: EphemeralEvent): string | undefined {
  switch (event.type) {
    case 'agent_activity':
      return event.exceptUserId !== null && event.conversationId !== null ? `activity:${event.exceptUserId}:${event.conversationId}` : undefined;
    case 'presence_changed':
      return typeof event.data.userId === 'string' ? `presence:${event.data.userId}` : undefined;
  }
}
