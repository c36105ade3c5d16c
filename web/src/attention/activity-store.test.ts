import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentActivity } from '../realtime/ephemeral-events';
import { ActivityStore } from './activity-store';

let store: ActivityStore;
const at = (ms: number): string => new Date(Date.now() + ms).toISOString();
const activity = (overrides: Partial<AgentActivity>): AgentActivity => ({
  conversationId: 'c-1',
  userId: 'u-alice',
  name: 'Alice',
  kind: 'viewing',
  expiresAt: at(6_000),
  ...overrides,
});

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
  store = new ActivityStore();
});
afterEach(() => {
  store.dispose();
  vi.useRealTimers();
});

describe('ActivityStore', () => {
  it('holds each agent’s latest report until expiresAt, and idle ends it at once', () => {
    const changes = vi.fn();
    store.subscribe(changes);
    store.apply(activity({}));
    store.apply(activity({ userId: 'u-bob', name: 'Bob', kind: 'typing', expiresAt: at(3_000) }));
    expect(store.forConversation('c-1').map((a) => `${a.name}:${a.kind}`)).toEqual([
      'Alice:viewing',
      'Bob:typing',
    ]);
    expect(store.forConversation('c-2')).toEqual([]);
    const snapshot = store.forConversation('c-1');
    expect(store.forConversation('c-1')).toBe(snapshot);

    vi.advanceTimersByTime(3_000);
    expect(store.forConversation('c-1').map((a) => a.name)).toEqual(['Alice']);
    store.apply(activity({ kind: 'typing', expiresAt: at(6_000) }));
    expect(store.forConversation('c-1')[0].kind).toBe('typing');
    store.apply(activity({ kind: 'idle' }));
    expect(store.forConversation('c-1')).toEqual([]);
    expect(changes).toHaveBeenCalledTimes(5);
  });

  it('a report whose expiresAt is already past by this clock still shows briefly, then goes', () => {
    store.apply(activity({ expiresAt: at(-60_000) }));
    expect(store.forConversation('c-1')).toHaveLength(1);
    vi.advanceTimersByTime(6_000);
    expect(store.forConversation('c-1')).toEqual([]);
  });
});
