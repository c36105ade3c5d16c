import http from 'node:http';
import { frameSplitter, parseFrame } from '../../support/sse-reader.js';

/** Who a client is, for computing what it may see from the events table. */
export interface ClientVisibility {
  userId: string;
  workspaceId: string;
  isAdmin: boolean;
  channelIds: ReadonlySet<string>;
}

export interface ResilientClientOptions {
  name: string;
  baseUrls: string[];
  token: string;
  visibility: ClientVisibility;
  /** Where the client starts (as if it had seen this id): every visible event after it is expected. */
  lastEventId: string;
  /** Reconnect delay range, like EventSource's retry (randomised so clients do not come back in step). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

const CONTROL_EVENTS = new Set(['connected', 'ping', 'resync']);

/**
 * An SSE client that behaves like the browser's EventSource: it keeps the last `id:` it saw (domain events
 * and heartbeats alike) and reconnects after every drop with `Last-Event-ID`, moving to another instance
 * when the one it used refuses connections. It records every domain event id, and any duplicate or
 * out-of-order id, so the harness can compare what arrived with the event log.
 */
export class ResilientSseClient {
  readonly name: string;
  readonly visibility: ClientVisibility;
  /** Domain event ids in arrival order. */
  readonly received: number[] = [];
  readonly types = new Map<number, string>();
  readonly violations: string[] = [];
  /** Highest id this client is known to have fully caught up to (domain event or heartbeat id). */
  caughtUp = 0;
  connects = 0;
  drops = 0;
  failedConnects = 0;
  resyncs = 0;
  readonly statuses = new Map<number, number>();
  private lastEventId: string;
  private urlIndex: number;
  private request: http.ClientRequest | undefined;
  private response: http.IncomingMessage | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly options: ResilientClientOptions,
    startIndex = 0,
  ) {
    this.name = options.name;
    this.visibility = options.visibility;
    this.lastEventId = options.lastEventId;
    this.caughtUp = Number(options.lastEventId);
    this.urlIndex = startIndex % options.baseUrls.length;
  }

  get lastId(): string {
    return this.lastEventId;
  }

  get connected(): boolean {
    return this.response !== undefined;
  }

  start(): void {
    this.connect();
  }

  /** Cuts the current connection from the client side (the harness' random drops). */
  drop(): void {
    if (!this.request) return;
    this.request.destroy();
    this.response?.destroy();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.drop();
    this.notify();
  }

  /** Resolves once this client has caught up to `id` (or rejects after the timeout). */
  waitCaughtUp(id: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.name} did not catch up to ${id} in ${timeoutMs} ms (at ${this.caughtUp})`));
      }, timeoutMs);
      const check = () => {
        if (this.caughtUp >= id) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private connect(): void {
    if (this.stopped) return;
    const base = this.options.baseUrls[this.urlIndex];
    let sawResponse = false;
    const request = http.get(
      `${base}/api/events/stream`,
      {
        headers: {
          Accept: 'text/event-stream',
          Authorization: `Bearer ${this.options.token}`,
          'Last-Event-ID': this.lastEventId,
        },
        agent: false,
      },
      (response) => {
        sawResponse = true;
        const status = response.statusCode ?? 0;
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        if (status !== 200) {
          // EventSource gives up on a non-200; a harness client retries elsewhere (an instance mid-shutdown).
          response.resume();
          response.once('end', () => undefined);
          return;
        }
        this.response = response;
        this.connects += 1;
        response.setEncoding('utf8');
        response.on('data', frameSplitter((raw) => this.onFrame(raw)));
        response.on('error', () => undefined);
      },
    );
    this.request = request;
    request.on('error', () => undefined);
    request.once('close', () => {
      if (this.request !== request) return;
      this.request = undefined;
      this.response = undefined;
      if (sawResponse) this.drops += 1;
      else this.failedConnects += 1;
      // Refused (instance down) or answered with an error: try the next instance; otherwise pick any.
      if (!sawResponse || this.options.baseUrls.length > 1) {
        this.urlIndex = sawResponse
          ? Math.floor(Math.random() * this.options.baseUrls.length)
          : (this.urlIndex + 1) % this.options.baseUrls.length;
      }
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const min = this.options.retryMinMs ?? 20;
    const max = this.options.retryMaxMs ?? 150;
    this.reconnectTimer = setTimeout(() => this.connect(), min + Math.random() * (max - min));
  }

  /** Parses one frame like EventSource: the id is taken only when the frame is complete (dispatched). */
  private onFrame(raw: string): void {
    const { id, event = 'message' } = parseFrame(raw);
    if (event === 'resync') {
      this.resyncs += 1;
      this.violations.push(`resync frame (id ${id}) after Last-Event-ID ${this.lastEventId}`);
    }
    if (id !== undefined) this.lastEventId = id;
    if (id === undefined || event === 'connected') return;
    const numeric = Number(id);
    if (!CONTROL_EVENTS.has(event)) {
      const previous = this.received.length
        ? this.received[this.received.length - 1]
        : Number(this.options.lastEventId);
      if (numeric <= previous) this.violations.push(`event ${numeric} (${event}) after ${previous}`);
      this.received.push(numeric);
      this.types.set(numeric, event);
    }
    if (numeric > this.caughtUp) {
      this.caughtUp = numeric;
      this.notify();
    }
  }
}

/** The ids of `rows` this client may see: same workspace; for agents, workspace-wide or a member channel. */
export function expectedIdsFor(
  visibility: ClientVisibility,
  rows: ReadonlyArray<{ id: number; workspaceId: string; channelId: string | null; userId: string | null; type: string }>,
  afterId: number,
): number[] {
  return rows
    .filter(
      (row) =>
        row.id > afterId &&
        row.type !== 'access_changed' &&
        row.workspaceId === visibility.workspaceId &&
        (row.userId === null || row.userId === visibility.userId) &&
        (visibility.isAdmin || row.channelId === null || visibility.channelIds.has(row.channelId)),
    )
    .map((row) => row.id);
}

/** Compares two sorted id lists: what is missing from `actual` and what is extra in it. */
export function diffIds(expected: number[], actual: number[]): { missing: number[]; extra: number[] } {
  const have = new Set(actual);
  const want = new Set(expected);
  return { missing: expected.filter((id) => !have.has(id)), extra: actual.filter((id) => !want.has(id)) };
}
