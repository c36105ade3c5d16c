import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http-client';
import { createFakeEventSource, FakeEventSource } from '../test/fake-event-source';
import { message } from '../test/fixtures';
import { reconnectDelay, RECONNECT_MAX_DELAY_MS } from './backoff';
import {
  CATCH_UP_QUIET_MS,
  StreamConnection,
  type ConnectionStatus,
  type StreamConnectionOptions,
} from './stream-connection';
import type { StreamEvent } from '../api/models';

function setup(overrides: Partial<StreamConnectionOptions> = {}) {
  let ticketNumber = 0;
  const fetchTicket = vi.fn(async () => `ticket-${++ticketNumber}`);
  const events: StreamEvent[] = [];
  const statuses: ConnectionStatus[] = [];
  const onResync = vi.fn(async () => undefined);
  const connection = new StreamConnection({
    fetchTicket,
    clientId: 'web-test',
    lastEventId: null,
    onEvent: (event) => events.push(event),
    onResync,
    onStatus: (status) => statuses.push(status),
    createEventSource: createFakeEventSource,
    random: () => 1,
    ...overrides,
  });
  const state = (): string | undefined => statuses.at(-1)?.state;
  return { connection, fetchTicket, events, statuses, onResync, state };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('reconnectDelay', () => {
  it('doubles from one second up to thirty, with jitter between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect([0, 1, 2, 5].map((attempt) => reconnectDelay(attempt, () => 0))).toEqual([500, 1000, 2000, 15000]);
    for (let i = 0; i < 100; i += 1) {
      const delay = reconnectDelay(3);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });
});

describe('StreamConnection', () => {
  it('opens the stream with a fresh ticket and goes live on `connected`', async () => {
    const { connection, fetchTicket, state } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchTicket).toHaveBeenCalledTimes(1);
    const source = FakeEventSource.latest();
    expect(source.url).toMatch(/^\/api\/events\/stream\?/);
    expect(source.params.get('ticket')).toBe('ticket-1');
    expect(source.params.get('clientId')).toBe('web-test');
    expect(source.params.has('lastEventId')).toBe(false);
    expect(state()).toBe('connecting');
    source.connect();
    expect(state()).toBe('live');
    connection.stop();
  });

  it('follows the backoff schedule while the server keeps failing, and resets it once connected', async () => {
    const { connection, fetchTicket, statuses } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const waits: number[] = [];
    for (let failure = 0; failure < 7; failure += 1) {
      FakeEventSource.latest().reject();
      const status = statuses.at(-1);
      expect(status?.state).toBe('reconnecting');
      const wait = (status?.nextRetryAt ?? 0) - Date.now();
      waits.push(wait);
      const opened = FakeEventSource.instances.length;
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(FakeEventSource.instances).toHaveLength(opened); // not a moment early
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeEventSource.instances).toHaveLength(opened + 1);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, RECONNECT_MAX_DELAY_MS, RECONNECT_MAX_DELAY_MS]);
    expect(fetchTicket).toHaveBeenCalledTimes(8);

    FakeEventSource.latest().connect();
    FakeEventSource.latest().drop();
    expect((statuses.at(-1)?.nextRetryAt ?? 0) - Date.now()).toBe(1000);
    connection.stop();
  });

  it('fetches a fresh ticket after a non-200 answer instead of leaving EventSource given up', async () => {
    const { connection, fetchTicket } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.latest();
    first.reject(); // e.g. 401 for a spent ticket, 429, 503
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetchTicket).toHaveBeenCalledTimes(2);
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(second.params.get('ticket')).toBe('ticket-2');
    connection.stop();
  });

  it('closes a dropped EventSource itself rather than let it retry with a spent ticket', async () => {
    const { connection } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.latest();
    first.connect();
    first.drop();
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.latest().params.get('ticket')).toBe('ticket-2');
    connection.stop();
  });

  it('retries with backoff when the ticket itself cannot be had, and stops on 401', async () => {
    const fetchTicket = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce('ticket-ok');
    const { connection, state } = setup({ fetchTicket });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state()).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.latest().params.get('ticket')).toBe('ticket-ok');
    connection.stop();

    FakeEventSource.reset();
    const expired = vi.fn<() => Promise<string>>().mockRejectedValue(new ApiError(401, 'Unauthorized'));
    const second = setup({ fetchTicket: expired });
    second.connection.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(expired).toHaveBeenCalledTimes(1);
    second.connection.stop();
  });

  it('dispatches typed events, remembers the last id and resumes from it, applying each event once', async () => {
    const { connection, events } = setup({ lastEventId: '3' });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.latest();
    expect(first.params.get('lastEventId')).toBe('3');
    first.connect('3');
    const hello = message({ content: 'hi' });
    first.emit('new_message', hello, '4');
    first.emit('customer_deleted', { id: 'c-1' }, '6');
    first.drop();
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeEventSource.latest();
    expect(second.params.get('lastEventId')).toBe('6');
    second.connect('6');
    second.emit('customer_deleted', { id: 'c-1' }, '6'); // overlap of a replay: skipped
    second.emit('customer_deleted', { id: 'c-2' }, '10');
    expect(events).toEqual([
      { id: '4', type: 'new_message', data: hello },
      { id: '6', type: 'customer_deleted', data: { id: 'c-1' } },
      { id: '10', type: 'customer_deleted', data: { id: 'c-2' } },
    ]);
    connection.stop();
  });

  it('resumes cheaply from the id a heartbeat carries', async () => {
    const { connection } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeEventSource.latest().connect();
    FakeEventSource.latest().emit('ping', { ts: 1 }, '42');
    FakeEventSource.latest().drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.latest().params.get('lastEventId')).toBe('42');
    connection.stop();
  });

  it('shows "catching up" while a resumed stream replays, then live', async () => {
    const { connection, state } = setup({ lastEventId: '5' });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const source = FakeEventSource.latest();
    source.connect('5');
    expect(state()).toBe('catching_up');
    source.emit('customer_deleted', { id: 'a' }, '6');
    await vi.advanceTimersByTimeAsync(CATCH_UP_QUIET_MS - 1);
    source.emit('customer_deleted', { id: 'b' }, '7');
    await vi.advanceTimersByTimeAsync(CATCH_UP_QUIET_MS - 1);
    expect(state()).toBe('catching_up');
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toBe('live');
    connection.stop();
  });

  it('reconnect() (a renewed token) moves to a new stream catching up, never reconnecting, resuming after the last id', async () => {
    const { connection, fetchTicket, statuses, events } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeEventSource.latest();
    first.connect();
    first.emit('customer_deleted', { id: 'a' }, '6');
    const seen = statuses.length;
    connection.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchTicket).toHaveBeenCalledTimes(2);
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(first.readyState).toBe(2);
    expect(second.params.get('lastEventId')).toBe('6');
    second.connect('6');
    second.emit('customer_deleted', { id: 'b' }, '7');
    await vi.advanceTimersByTimeAsync(CATCH_UP_QUIET_MS);
    expect([...new Set(statuses.slice(seen).map((status) => status.state))]).toEqual(['catching_up', 'live']);
    expect(events.map((event) => event.id)).toEqual(['6', '7']);
    // A switch that fails is an outage like any other.
    connection.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    FakeEventSource.latest().drop();
    expect(statuses.at(-1)?.state).toBe('reconnecting');
    connection.stop();
  });

  it('on `resync` refetches over REST, then carries on live from the head', async () => {
    let finishRefetch: () => void = () => undefined;
    const onResync = vi.fn(() => new Promise<void>((resolve) => (finishRefetch = resolve)));
    const { connection, state } = setup({ lastEventId: '1', onResync });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const source = FakeEventSource.latest();
    source.connect('1');
    source.emit('resync', { reason: 'retention', lastEventId: '900' }, '900');
    expect(onResync).toHaveBeenCalledTimes(1);
    expect(state()).toBe('catching_up');
    finishRefetch();
    await vi.advanceTimersByTimeAsync(0);
    expect(state()).toBe('live');
    source.drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.latest().params.get('lastEventId')).toBe('900');
    connection.stop();
  });

  it('reports offline while the browser is offline and reconnects at once when it is back', async () => {
    const { connection, state } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeEventSource.latest().connect();
    window.dispatchEvent(new Event('offline'));
    expect(state()).toBe('offline');
    expect(FakeEventSource.latest().closed).toBe(true);
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeEventSource.instances).toHaveLength(2);
    connection.stop();
  });

  it('stop() releases the EventSource and every timer', async () => {
    const { connection, fetchTicket } = setup();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeEventSource.latest().reject();
    expect(vi.getTimerCount()).toBe(1);
    connection.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeEventSource.open()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchTicket).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchTicket).toHaveBeenCalledTimes(1);
  });
});
