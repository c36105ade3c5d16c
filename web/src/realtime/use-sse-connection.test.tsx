import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBroadcastChannel, FakeLockManager } from '../test/fake-browser';
import { createFakeEventSource, FakeEventSource } from '../test/fake-event-source';
import { customer } from '../test/fixtures';
import { RealtimeProvider } from './realtime-provider';
import type { StreamEvent } from '../api/models';
import { useSSEConnection, type UseSSEConnectionOptions } from './use-sse-connection';

const flush = (ms = 0): Promise<void> =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

function hookOptions(overrides: Partial<UseSSEConnectionOptions> = {}): UseSSEConnectionOptions {
  let ticket = 0;
  return {
    userId: 'user-1',
    onResync: vi.fn(),
    fetchTicket: vi.fn(async () => `ticket-${++ticket}`),
    ack: vi.fn(async () => undefined),
    createEventSource: createFakeEventSource,
    random: () => 1,
    ...overrides,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.reset();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'locks');
});

describe('useSSEConnection', () => {
  it('dispatches each event to the subscribers of its type only, and reports live', async () => {
    const { result, unmount } = renderHook(() => useSSEConnection(hookOptions()));
    await flush();
    const messages: StreamEvent[] = [];
    const deletions: StreamEvent[] = [];
    act(() => {
      result.current.subscribe('new_message', (event) => messages.push(event));
      result.current.subscribe('customer_deleted', (event) => deletions.push(event));
    });
    act(() => FakeEventSource.latest().connect());
    expect(result.current.status.state).toBe('live');
    expect(result.current.role).toBe('leader');
    act(() => FakeEventSource.latest().emit('customer_deleted', { id: 'c-9' }, '7'));
    expect(deletions).toEqual([{ id: '7', type: 'customer_deleted', data: { id: 'c-9' } }]);
    expect(messages).toEqual([]);
    unmount();
  });

  it('shows the reconnect countdown target, and resumes from the last applied id after a reload', async () => {
    const first = renderHook(() => useSSEConnection(hookOptions()));
    await flush();
    act(() => FakeEventSource.latest().connect());
    act(() => FakeEventSource.latest().emit('customer_deleted', { id: 'a' }, '12'));
    act(() => FakeEventSource.latest().reject());
    expect(first.result.current.status.state).toBe('reconnecting');
    expect(first.result.current.status.nextRetryAt).toBe(Date.now() + 1000);
    first.unmount();

    const second = renderHook(() => useSSEConnection(hookOptions()));
    await flush();
    expect(FakeEventSource.latest().params.get('lastEventId')).toBe('12');
    second.unmount();
  });

  it('acks applied events in one batched call with its client id', async () => {
    const options = hookOptions();
    const { unmount } = renderHook(() => useSSEConnection(options));
    await flush();
    act(() => {
      const source = FakeEventSource.latest();
      source.connect();
      source.emit('customer_deleted', { id: 'a' }, '1');
      source.emit('customer_deleted', { id: 'b' }, '2');
    });
    await flush(1000);
    expect(options.ack).toHaveBeenCalledTimes(1);
    expect(options.ack).toHaveBeenCalledWith(expect.stringMatching(/^web-/), '2', false);
    unmount();
  });

  it('releases everything on unmount: EventSource, timers, acks flushed', async () => {
    const options = hookOptions();
    const { unmount } = renderHook(() => useSSEConnection(options));
    await flush();
    act(() => {
      FakeEventSource.latest().connect();
      FakeEventSource.latest().emit('customer_deleted', { id: 'a' }, '3');
    });
    expect(vi.getTimerCount()).toBeGreaterThan(0); // the ack batch is waiting
    unmount();
    expect(FakeEventSource.open()).toHaveLength(0);
    await flush(); // let React finish its own scheduled work
    expect(vi.getTimerCount()).toBe(0);
    expect(options.ack).toHaveBeenCalledWith(expect.any(String), '3', true);
    await flush(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(options.fetchTicket).toHaveBeenCalledTimes(1);
  });

  it('stays closed without a user', async () => {
    const { result } = renderHook(() => useSSEConnection(hookOptions({ userId: null })));
    await flush();
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(result.current.status.state).toBe('connecting');
  });
});

describe('one connection for all tabs', () => {
  beforeEach(() => {
    Object.defineProperty(navigator, 'locks', { value: new FakeLockManager(), configurable: true });
    vi.stubGlobal('BroadcastChannel', FakeBroadcastChannel);
  });

  it('three tabs hold one stream; followers get every event and the status; a follower takes over and resumes', async () => {
    const received: Record<string, string[]> = { a: [], b: [], c: [] };
    const tabs = (['a', 'b', 'c'] as const).map((tab) => {
      const rendered = renderHook(() => useSSEConnection(hookOptions()));
      act(() => {
        rendered.result.current.subscribe('customer_deleted', (event) => received[tab].push(event.data.id));
      });
      return rendered;
    });
    await flush();
    expect(FakeEventSource.open()).toHaveLength(1);
    expect(tabs.map((tab) => tab.result.current.role)).toEqual(['leader', 'follower', 'follower']);

    act(() => {
      FakeEventSource.latest().connect();
      FakeEventSource.latest().emit('customer_deleted', { id: 'x' }, '20');
    });
    await flush();
    expect(received).toEqual({ a: ['x'], b: ['x'], c: ['x'] });
    expect(tabs[1].result.current.status.state).toBe('live');

    tabs[0].unmount(); // the leader's tab closes
    await flush();
    expect(FakeEventSource.open()).toHaveLength(1);
    const takeover = FakeEventSource.latest();
    expect(takeover.params.get('lastEventId')).toBe('20');
    expect(tabs[1].result.current.role).toBe('leader');
    act(() => {
      takeover.connect('20');
      takeover.emit('customer_deleted', { id: 'y' }, '21');
    });
    await flush(500);
    expect(received.b).toEqual(['x', 'y']);
    expect(received.c).toEqual(['x', 'y']);
    expect(tabs[2].result.current.status.state).toBe('live');
    tabs[1].unmount();
    tabs[2].unmount();
    expect(FakeEventSource.open()).toHaveLength(0);
    expect(FakeBroadcastChannel.count()).toBe(0);
  });
});

describe('RealtimeProvider', () => {
  function Customers() {
    const query = useQuery({
      queryKey: ['customers', ''],
      queryFn: listCustomers,
    });
    return <p>{query.data ? `${query.data.pages[0].items.length} customers` : 'loading'}</p>;
  }
  const listCustomers = vi.fn(async () => ({
    pages: [{ items: [customer()], nextCursor: null }],
    pageParams: [undefined],
  }));

  it('refetches what is on screen after `resync`, and only marks the rest stale', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/events/ticket')
          ? new Response(JSON.stringify({ ticket: 't', expiresAt: '' }), { status: 201 })
          : new Response(null, { status: 204 }),
      ),
    );
    const queryClient = new QueryClient({
      defaultOptions: { queries: { staleTime: Infinity, retry: false } },
    });
    const offScreen = vi.fn(async () => 'x');
    queryClient.setQueryData(['conversations', {}], 'cached');
    queryClient.getQueryCache().build(queryClient, { queryKey: ['conversations', {}], queryFn: offScreen });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider userId="user-1">{children}</RealtimeProvider>
      </QueryClientProvider>
    );
    render(<Customers />, { wrapper });
    await flush();
    expect(screen.getByText('1 customers')).toBeInTheDocument();
    expect(listCustomers).toHaveBeenCalledTimes(1);
    act(() => {
      FakeEventSource.latest().connect();
      FakeEventSource.latest().emit('resync', { reason: 'retention', lastEventId: '500' }, '500');
    });
    await flush();
    expect(listCustomers).toHaveBeenCalledTimes(2);
    expect(offScreen).not.toHaveBeenCalled();
    expect(queryClient.getQueryState(['conversations', {}])?.isInvalidated).toBe(true);
  });

  it('applies events to the cached lists without fetching', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const fetchMock = vi.fn(
      async () => new Response(JSON.stringify({ ticket: 't', expiresAt: '' }), { status: 201 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const queryClient = new QueryClient();
    const bob = customer({ name: 'Bob' });
    queryClient.setQueryData(['customers', ''], {
      pages: [{ items: [bob], nextCursor: null }],
      pageParams: [undefined],
    });
    render(
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider userId="user-1">
          <span />
        </RealtimeProvider>
      </QueryClientProvider>,
    );
    await flush();
    act(() => {
      FakeEventSource.latest().connect();
      FakeEventSource.latest().emit('customer_deleted', { id: bob.id }, '3');
    });
    expect(queryClient.getQueryData(['customers', ''])).toEqual({
      pages: [{ items: [], nextCursor: null }],
      pageParams: [undefined],
    });
    expect(fetchMock).toHaveBeenCalledTimes(1); // the ticket only
  });
});
