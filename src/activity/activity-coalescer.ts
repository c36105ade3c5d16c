import { EPHEMERAL_HOLD_MS } from '../realtime/ephemeral/ephemeral-hold.js';
import type { ActivityKind } from './dto/report-activity.dto.js';

/** NOTIFY between instances and the write, with room for a loaded machine. */
const TRANSIT_MARGIN_MS = 500;

/**
 * Slack between forwarding a report and the other streams having it: the longest an instance holds an
 * ephemeral event for the next durable write, plus the transit.
 */
export const DELIVERY_MARGIN_MS = EPHEMERAL_HOLD_MS + TRANSIT_MARGIN_MS;

interface Announced {
  kind: ActivityKind;
  /** When the announced report expires for clients (epoch ms). */
  expiresAt: number;
  /** When this (user, conversation) last reported, announced or not (epoch ms). */
  reportedAt: number;
}

/**
 * Typing and viewing are repeated while they last; announcing each repeat would flood every instance. The
 * instance that takes the report decides, so a coalesced repeat is not NOTIFYed at all: a repeat of the same
 * kind is forwarded only when the announced copy would lapse before the next repeat (expected one repeat gap
 * later, the gap this reporter has kept) could reach the clients; a change of kind, and `idle`, always is.
 * Kept per process.
 */
export class ActivityCoalescer {
  private readonly announced = new Map<string, Announced>();

  constructor(private readonly ttlMs: number) {}

  /** The expiry to announce, or null when the clients' copy still holds until the next repeat. */
  decide(userId: string, conversationId: string, kind: ActivityKind, now: number): number | null {
    const key = `${userId}:${conversationId}`;
    const previous = this.announced.get(key);
    if (kind === 'idle') {
      this.announced.delete(key);
      return now;
    }
    if (previous && previous.kind === kind) {
      const gap = now - previous.reportedAt;
      previous.reportedAt = now;
      if (previous.expiresAt - now > gap + DELIVERY_MARGIN_MS) return null;
    }
    const expiresAt = now + this.ttlMs;
    this.announced.set(key, { kind, expiresAt, reportedAt: now });
    return expiresAt;
  }

  /** Forgets reports that expired. */
  sweep(now: number): void {
    for (const [key, announced] of this.announced) if (announced.expiresAt <= now) this.announced.delete(key);
  }
}
