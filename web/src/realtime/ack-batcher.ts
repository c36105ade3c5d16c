import { isNewerEventId } from './event-ids';

/** Acks are sent at most once a second, or at once after this many events, whichever comes first. */
export const ACK_BATCH_DELAY_MS = 1_000;
export const ACK_BATCH_MAX_EVENTS = 50;

/** Confirms applied events to the server in batches: one `POST /api/events/ack` carries the newest id. */
export class AckBatcher {
  private pendingId: string | null = null;
  private pendingCount = 0;
  private ackedId: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (lastEventId: string, keepalive: boolean) => Promise<void>) {}

  note(eventId: string): void {
    if (!isNewerEventId(eventId, this.pendingId)) return;
    this.pendingId = eventId;
    this.pendingCount += 1;
    if (this.pendingCount >= ACK_BATCH_MAX_EVENTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), ACK_BATCH_DELAY_MS);
  }

  /** Sends what is pending now; `keepalive` lets it outlive a closing tab. */
  flush(keepalive = false): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pendingCount = 0;
    const id = this.pendingId;
    if (id === null || !isNewerEventId(id, this.ackedId)) return;
    this.ackedId = id;
    // A lost ack only means the server's cursor lags: the next ack carries a larger id.
    this.send(id, keepalive).catch(() => undefined);
  }

  dispose(): void {
    this.flush(true);
  }
}
