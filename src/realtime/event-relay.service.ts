import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import pg from 'pg';
import { Subject } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DatabaseService } from '../database/database.service.js';
import { TRANSACTION_COMMITTED } from '../database/transaction-runner.js';
import { toRelayedEvent } from './event-row.mapper.js';
import { EventLogRepository } from './event-log.repository.js';
import { EVENT_NOTIFY_CHANNEL } from './event-log.writer.js';
import type { EventRow, RelayedEvent } from './relayed-event.js';
import { EPHEMERAL_NOTIFY_CHANNEL, parseEphemeralEvent, type EphemeralEvent } from './ephemeral/ephemeral-event.js';
import { RealtimeMetrics } from './realtime.metrics.js';

const READ_BATCH = 1000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * Reads the event log in id order and publishes each committed event, once, into one RxJS Subject. Wake-ups
 * come from this instance's own commits and, for every instance's, from LISTEN/NOTIFY; a poll (RELAY_POLL_MS,
 * ≤ 1 s) is the safety net, and every (re)connection of the LISTEN client is followed by a catch-up read, so a
 * lost notification never loses an event. Each instance runs its own relay and serves its own streams.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** The one stream of committed events of this process. */
  readonly events$ = new Subject<RelayedEvent>();
  /** Ephemeral events of every instance, straight from their NOTIFY (never stored, no id). */
  readonly ephemeral$ = new Subject<EphemeralEvent>();
  /** true right before a read of several events is published, false right after: lets writes be coalesced. */
  readonly batches$ = new Subject<boolean>();
  private readonly logger = new Logger(EventRelay.name);
  private head = 0;
  /** Set once the head is known: before, a read would start from the beginning of the log. */
  private started = false;
  private listener: pg.Client | undefined;
  private listenerUp = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private stopped = false;

  constructor(
    private readonly log: EventLogRepository,
    private readonly database: DatabaseService,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The id of the newest event this process has published: every event up to it has been relayed. */
  get headId(): number {
    return this.head;
  }

  get isListening(): boolean {
    return this.listenerUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Live delivery starts at the current end of the log; older events are served by resume (catch-up reads).
    this.head = await this.log.headId();
    this.started = true;
    await this.connectListener();
    this.pollTimer = setInterval(() => this.wake(), this.config.relayPollMs);
    this.pollTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    await this.reading;
    const listener = this.listener;
    this.listener = undefined;
    this.listenerUp = false;
    await listener?.end().catch(() => undefined);
    this.events$.complete();
    this.ephemeral$.complete();
  }

  /**
   * A commit of this instance wakes the relay as soon as COMMIT returns, without waiting for its notification
   * to come back through Postgres (about a millisecond later, more under load). The log is still the only
   * source: the read takes whatever is committed after the head, in id order, and the notification that
   * follows finds nothing new.
   */
  @OnEvent(TRANSACTION_COMMITTED)
  onLocalCommit(): void {
    if (this.started) this.wake();
  }

  /** Reads whatever was committed since the head; concurrent wake-ups coalesce into one more read. */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'event relay read failed; retrying on next wake-up'))
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.wake();
        }
      });
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const rows = await this.readAfterHead();
      const batch = rows.length > 1;
      if (batch) this.batches$.next(true);
      try {
        for (const row of rows) {
          const event = toRelayedEvent(row);
          this.head = event.id;
          this.metrics.relayLag.set(Math.max(0, Date.now() - event.createdAt) / 1000);
          this.events$.next(event);
        }
      } finally {
        if (batch) this.batches$.next(false);
      }
      if (rows.length < READ_BATCH || this.stopped) return;
    }
  }

  /**
   * On the LISTEN connection: no pool checkout behind the requests' transactions, and a statement Postgres has
   * already planned, so the read goes out in the same tick as the wake-up. While that connection is down, the
   * poll's reads go through the pool.
   */
  private readAfterHead(): Promise<EventRow[]> {
    const listener = this.listenerUp ? this.listener : undefined;
    return listener ? this.log.readAfterOn(listener, this.head, READ_BATCH) : this.log.readAfter(this.head, READ_BATCH);
  }

  private async connectListener(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.database.connectionUrl, application_name: 'crm-inbox-relay' });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.listenerUp = false;
      this.logger.warn('event listener connection lost; reconnecting');
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (notification) => {
      if (notification.channel !== EPHEMERAL_NOTIFY_CHANNEL) return this.wake();
      const event = parseEphemeralEvent(notification.payload);
      if (event) this.ephemeral$.next(event);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENT_NOTIFY_CHANNEL}; LISTEN ${EPHEMERAL_NOTIFY_CHANNEL}`);
      this.listenerUp = true;
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.wake(); // events committed while no LISTEN was active
    } catch (error) {
      this.logger.warn({ err: error }, 'event listener could not connect');
      lost();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connectListener(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}
