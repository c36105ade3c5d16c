import type { AgentActivity } from '../realtime/ephemeral-events';

/** A report claiming to hold longer than this is cut short (a client clock far behind the server's). */
const LONGEST_HOLD_MS = 30_000;
/** A report already expired by this clock (a clock ahead) still shows this long. */
const SKEWED_HOLD_MS = 6_000;

interface Held {
  activity: AgentActivity;
  until: number;
}

const NONE: AgentActivity[] = [];

/** Other agents' viewing/typing per conversation, each until its `expiresAt`; `idle` ends it at once. */
export class ActivityStore {
  private readonly byConversation = new Map<string, Map<string, Held>>();
  private readonly snapshots = new Map<string, AgentActivity[]>();
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  apply(activity: AgentActivity): void {
    const held = this.byConversation.get(activity.conversationId) ?? new Map<string, Held>();
    if (activity.kind === 'idle') held.delete(activity.userId);
    else {
      const now = this.now();
      const expires = Date.parse(activity.expiresAt);
      const until = expires > now ? Math.min(expires, now + LONGEST_HOLD_MS) : now + SKEWED_HOLD_MS;
      held.set(activity.userId, { activity, until });
    }
    this.byConversation.set(activity.conversationId, held);
    this.changed(activity.conversationId);
  }

  /** Stable between changes (for useSyncExternalStore). */
  forConversation(conversationId: string): AgentActivity[] {
    return this.snapshots.get(conversationId) ?? NONE;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.byConversation.clear();
    this.snapshots.clear();
  }

  private changed(conversationId: string): void {
    const held = [...(this.byConversation.get(conversationId)?.values() ?? [])];
    if (held.length === 0) {
      this.byConversation.delete(conversationId);
      this.snapshots.delete(conversationId);
    } else
      this.snapshots.set(
        conversationId,
        held.map((entry) => entry.activity),
      );
    this.armExpiry();
    for (const listener of [...this.listeners]) listener();
  }

  private armExpiry(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    let soonest = Number.POSITIVE_INFINITY;
    for (const held of this.byConversation.values())
      for (const entry of held.values()) soonest = Math.min(soonest, entry.until);
    if (soonest === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, soonest - this.now()));
  }

  private expire(): void {
    this.timer = null;
    const now = this.now();
    const touched: string[] = [];
    for (const [conversationId, held] of this.byConversation) {
      const before = held.size;
      for (const [userId, entry] of held) if (entry.until <= now) held.delete(userId);
      if (held.size !== before) touched.push(conversationId);
    }
    if (touched.length === 0) this.armExpiry();
    for (const conversationId of touched) this.changed(conversationId);
  }
}
