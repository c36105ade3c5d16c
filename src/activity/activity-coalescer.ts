import type { ActivityKind } from './dto/report-activity.dto.js';

interface Announced {
  kind: ActivityKind;
  /** When the announced report expires for clients (epoch ms). */
  expiresAt: number;
}

/**
 * Typing and viewing are repeated every second or two while they last; announcing each repeat would flood
 * every instance. A repeat of the same kind is announced again only once less than half the TTL is left of the
 * last announcement (a refresh before clients expire it); a change of kind always is. Kept per process.
 */
export class ActivityCoalescer {
  private readonly announced = new Map<string, Announced>();

  constructor(private readonly ttlMs: number) {}

  /** The expiry to announce, or null when the clients' copy still holds. */
  decide(userId: string, conversationId: string, kind: ActivityKind, now: number): number | null {
    const key = `${userId}:${conversationId}`;
    const previous = this.announced.get(key);
    if (kind === 'idle') {
      this.announced.delete(key);
      return now;
    }
    if (previous && previous.kind === kind && previous.expiresAt - now > this.ttlMs / 2) return null;
    const expiresAt = now + this.ttlMs;
    this.announced.set(key, { kind, expiresAt });
    return expiresAt;
  }

  /** Forgets reports that expired. */
  sweep(now: number): void {
    for (const [key, announced] of this.announced) if (announced.expiresAt <= now) this.announced.delete(key);
  }
}
