import { ApiError } from '../api/http-client';
import { reconnectDelay } from './backoff';
import type { StreamEvent, StreamEventType } from '../api/models';
import { EPHEMERAL_EVENT_TYPES, type EphemeralEvent } from './ephemeral-events';
import { isNewerEventId } from './event-ids';

/** Every domain event type the console listens for; a type the API adds is a compile error until listed. */
const LISTENED_EVENT_TYPES: Record<StreamEventType, true> = {
  new_message: true,
  message_sent: true,
  message_updated: true,
  new_conversation: true,
  conversation_updated: true,
  customer_created: true,
  customer_updated: true,
  customer_deleted: true,
  conversation_read: true,
  channel_updated: true,
  channel_created: true,
  channel_deleted: true,
  channel_members_changed: true,
  user_created: true,
  user_updated: true,
  user_deleted: true,
};
const STREAM_EVENT_TYPES = Object.keys(LISTENED_EVENT_TYPES) as StreamEventType[];

export type ConnectionState = 'connecting' | 'live' | 'catching_up' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  state: ConnectionState;
  /** When the next reconnect attempt starts (epoch ms), while reconnecting. */
  nextRetryAt: number | null;
  /** Consecutive failed attempts. */
  attempt: number;
  lastEventId: string | null;
}

/** The part of the browser's EventSource the connection uses (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  close(): void;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  onerror: ((event: Event) => void) | null;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface StreamConnectionOptions {
  fetchTicket: () => Promise<string>;
  clientId: string;
  /** Resume point: the last event this browser applied (null: the server resumes after clientId's acked cursor). */
  lastEventId: string | null;
  onEvent: (event: StreamEvent) => void;
  /** Activity and presence: delivered as they come, outside the resume order. */
  onEphemeral?: (event: EphemeralEvent) => void;
  /** Refetch what is on screen; the stream carries on live meanwhile. */
  onResync: () => Promise<unknown> | void;
  onStatus: (status: ConnectionStatus) => void;
  /** Confirms applied events (the caller batches). */
  onApplied?: (eventId: string) => void;
  createEventSource?: EventSourceFactory;
  random?: () => number;
}

export const STREAM_PATH = '/api/events/stream';
/** After a resumed connect, replayed events arrive in a burst: this much quiet means we have caught up. */
export const CATCH_UP_QUIET_MS = 300;

const defaultEventSource: EventSourceFactory = (url) => new EventSource(url);

/**
 * One logical stream: ticket → EventSource → typed events, resuming from the last applied id. EventSource's
 * own retry reuses the URL, whose ticket is single-use, and it gives up for good on any non-200 answer — so
 * on every error this closes it and reconnects itself with a fresh ticket, exponential backoff and jitter.
 */
export class StreamConnection {
  private source: EventSourceLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private generation = 0;
  private stopped = true;
  private lastEventId: string | null;
  private status: ConnectionStatus;

  constructor(private readonly options: StreamConnectionOptions) {
    this.lastEventId = options.lastEventId;
    this.status = { state: 'connecting', nextRetryAt: null, attempt: 0, lastEventId: this.lastEventId };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
    if (navigator.onLine === false) this.setStatus('offline');
    else void this.connect();
  }

  /** Releases everything: the EventSource, every timer and listener. */
  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.closeSource();
    this.clearTimers();
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
  }

  /**
   * Reconnects now with a fresh ticket, resuming after the last applied event (the access token was renewed:
   * the stream of the old one would be closed at its expiry). No-op while offline or stopped.
   */
  reconnect(): void {
    if (this.stopped || this.status.state === 'offline') return;
    this.attempt = 0;
    void this.connect(true);
  }

  getStatus(): ConnectionStatus {
    return { ...this.status, lastEventId: this.lastEventId };
  }

  /**
   * `switching`: a planned move to a new stream, no outage: the indicator says catching up (it resumes), not
   * reconnecting, unless the switch fails.
   */
  private async connect(switching = false): Promise<void> {
    const generation = ++this.generation;
    this.clearTimers();
    this.closeSource();
    if (switching) this.setStatus('catching_up');
    else this.setStatus(this.attempt === 0 && this.status.state === 'connecting' ? 'connecting' : 'reconnecting');
    let ticket: string;
    try {
      ticket = await this.options.fetchTicket();
    } catch (error) {
      if (generation !== this.generation) return;
      // 401: the session is over; the app signs out and unmounts this connection.
      if (error instanceof ApiError && error.status === 401) return;
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation) return;
    const source = (this.options.createEventSource ?? defaultEventSource)(this.streamUrl(ticket));
    this.source = source;
    const resumedFrom = this.lastEventId;
    source.addEventListener('connected', () => {
      if (source !== this.source) return;
      this.attempt = 0;
      if (resumedFrom === null) this.setStatus('live');
      else this.startCatchingUp();
    });
    for (const type of STREAM_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (source === this.source) this.handleEvent(type, event);
      });
    }
    for (const type of EPHEMERAL_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (source === this.source) this.handleEphemeral(type, event);
      });
    }
    source.addEventListener('ping', (event) => {
      if (source !== this.source) return;
      this.advanceTo(event.lastEventId);
      if (this.status.state === 'catching_up' && this.quietTimer !== null) this.finishCatchingUp();
    });
    source.addEventListener('resync', (event) => {
      if (source === this.source) void this.handleResync(source, event);
    });
    source.onerror = () => {
      if (source !== this.source) return;
      this.closeSource();
      this.scheduleReconnect();
    };
  }

  private streamUrl(ticket: string): string {
    const params = new URLSearchParams({ ticket, clientId: this.options.clientId });
    if (this.lastEventId !== null) params.set('lastEventId', this.lastEventId);
    return `${STREAM_PATH}?${params.toString()}`;
  }

  private handleEvent(type: StreamEventType, message: MessageEvent<string>): void {
    const id = message.lastEventId;
    // Exactly once: a replay overlapping what we already applied is skipped.
    if (!isNewerEventId(id, this.lastEventId)) return;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    this.lastEventId = id;
    this.options.onEvent({ id, type, data } as StreamEvent);
    this.options.onApplied?.(id);
    if (this.status.state === 'catching_up' && this.quietTimer !== null) this.armQuietTimer();
  }

  private handleEphemeral(type: EphemeralEvent['type'], message: MessageEvent<string>): void {
    try {
      const data: unknown = JSON.parse(message.data);
      this.options.onEphemeral?.({ type, data } as EphemeralEvent);
    } catch {
      // A frame that is not JSON carries nothing to show.
    }
  }

  private async handleResync(source: EventSourceLike, message: MessageEvent<string>): Promise<void> {
    this.clearQuietTimer();
    this.lastEventId = message.lastEventId || this.lastEventId;
    this.setStatus('catching_up');
    try {
      await this.options.onResync();
    } finally {
      if (source === this.source) this.setStatus('live');
    }
  }

  private advanceTo(id: string): void {
    if (isNewerEventId(id, this.lastEventId)) this.lastEventId = id;
  }

  private startCatchingUp(): void {
    this.setStatus('catching_up');
    this.armQuietTimer();
  }

  private armQuietTimer(): void {
    this.clearQuietTimer();
    this.quietTimer = setTimeout(() => this.finishCatchingUp(), CATCH_UP_QUIET_MS);
  }

  private finishCatchingUp(): void {
    this.clearQuietTimer();
    this.setStatus('live');
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.clearTimers();
    if (navigator.onLine === false) {
      this.setStatus('offline');
      return;
    }
    const delay = reconnectDelay(this.attempt, this.options.random);
    this.attempt += 1;
    this.setStatus('reconnecting', Date.now() + delay);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private readonly handleOnline = (): void => {
    if (this.stopped) return;
    this.attempt = 0;
    void this.connect();
  };

  private readonly handleOffline = (): void => {
    if (this.stopped) return;
    this.generation += 1;
    this.closeSource();
    this.clearTimers();
    this.setStatus('offline');
  };

  private setStatus(state: ConnectionState, nextRetryAt: number | null = null): void {
    this.status = { state, nextRetryAt, attempt: this.attempt, lastEventId: this.lastEventId };
    this.options.onStatus(this.status);
  }

  private closeSource(): void {
    if (this.source) {
      this.source.onerror = null;
      this.source.close();
    }
    this.source = null;
  }

  private clearQuietTimer(): void {
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearQuietTimer();
  }
}
