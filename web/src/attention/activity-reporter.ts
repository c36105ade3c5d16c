import type { ActivityKind } from '../realtime/ephemeral-events';

/** A report holds ACTIVITY_TTL_MS on the server (6 s by default): repeat well before it lapses. */
export const ACTIVITY_REPEAT_MS = 4_000;
/** The server refuses more than 5 reports a second from one user: stay at 4 at most. */
export const MIN_REPORT_GAP_MS = 250;

type Send = (kind: ActivityKind) => Promise<void>;

/**
 * What this agent is doing in one conversation, told to the server: `viewing` while the thread is visible,
 * `typing` while keys are pressed (it falls back to viewing after a pause), `idle` when typing stops for good
 * (focus leaves, the draft is sent or cleared) and when the thread is left. Reports repeat before they lapse
 * and never come closer than MIN_REPORT_GAP_MS, except `idle`, which the server never refuses.
 */
export class ActivityReporter {
  private visible = false;
  private typingUntil = 0;
  private reported: ActivityKind | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: Send,
    private readonly now: () => number = Date.now,
  ) {}

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      this.typingUntil = 0;
      this.goIdle();
    } else this.schedule(0);
  }

  /** A key was pressed in the composer. */
  typed(): void {
    if (!this.visible) return;
    const wasTyping = this.wanted() === 'typing';
    this.typingUntil = this.now() + ACTIVITY_REPEAT_MS;
    if (!wasTyping) this.schedule(0);
  }

  /** Focus left the composer, or its draft was sent or cleared. */
  stopTyping(): void {
    if (this.reported !== 'typing' && this.wanted() !== 'typing') return;
    this.typingUntil = 0;
    this.goIdle();
    if (this.visible) this.schedule(0);
  }

  /** The thread was left. */
  dispose(): void {
    this.visible = false;
    this.typingUntil = 0;
    this.goIdle();
  }

  private wanted(): ActivityKind | null {
    if (!this.visible) return null;
    return this.now() < this.typingUntil ? 'typing' : 'viewing';
  }

  private goIdle(): void {
    this.clearTimer();
    if (this.reported === null) return;
    this.reported = null;
    this.report('idle');
  }

  private schedule(delay: number): void {
    this.clearTimer();
    const wait = Math.max(delay, this.lastSentAt + MIN_REPORT_GAP_MS - this.now());
    this.timer = setTimeout(() => this.tick(), Math.max(0, wait));
  }

  private tick(): void {
    this.timer = null;
    const kind = this.wanted();
    if (kind === null) return;
    this.reported = kind;
    this.report(kind);
    // Typing lapses into viewing once keys stop: check again then, or when the report would lapse.
    const next =
      kind === 'typing' ? Math.min(ACTIVITY_REPEAT_MS, this.typingUntil - this.now()) : ACTIVITY_REPEAT_MS;
    this.schedule(Math.max(next, MIN_REPORT_GAP_MS));
  }

  private report(kind: ActivityKind): void {
    this.lastSentAt = this.now();
    this.send(kind).catch(() => undefined); // a lost report lapses on its own; the next one follows
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
