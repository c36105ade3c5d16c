import { describe, expect, it } from '@jest/globals';
import { Subject } from 'rxjs';
import type { EventRelay } from '../realtime/event-relay.service.js';
import type { RelayedEvent } from '../realtime/relayed-event.js';
import { ACTOR_CACHE_MAX_ENTRIES, ACTOR_CACHE_TTL_MS, ActorCache, type CachedUser } from './actor-cache.js';

const user = (id: string, role: CachedUser['role'] = 'agent'): CachedUser => ({ id, workspaceId: 'w1', role, email: `${id}@example.com`, name: id });

function cacheOnRelay(): { cache: ActorCache; relayed: Subject<RelayedEvent> } {
  const relayed = new Subject<RelayedEvent>();
  const cache = new ActorCache({ events$: relayed.asObservable() } as unknown as EventRelay);
  cache.onModuleInit();
  return { cache, relayed };
}

function counted(answer: CachedUser | null): { read: () => Promise<CachedUser | null>; reads: () => number } {
  let reads = 0;
  return { read: () => ((reads += 1), Promise.resolve(answer)), reads: () => reads };
}

describe('ActorCache', () => {
  it('reads once within the TTL, again after it, and never keeps an unknown user', async () => {
    const { cache } = cacheOnRelay();
    const known = counted(user('u1'));
    await cache.get('u1', known.read, 0);
    expect(await cache.get('u1', known.read, ACTOR_CACHE_TTL_MS - 1)).toEqual(user('u1'));
    expect(known.reads()).toBe(1);
    await cache.get('u1', known.read, ACTOR_CACHE_TTL_MS);
    expect(known.reads()).toBe(2);
    const missing = counted(null);
    expect(await cache.get('u2', missing.read, 0)).toBeNull();
    expect(await cache.get('u2', missing.read, 0)).toBeNull();
    expect(missing.reads()).toBe(2);
  });

  it('does not store a read that an invalidation overtook', async () => {
    const { cache } = cacheOnRelay();
    let finish!: (value: CachedUser) => void;
    const pending = cache.get('u1', () => new Promise<CachedUser>((resolve) => (finish = resolve)), 0);
    cache.invalidate('u1'); // the change commits while the old row is on its way
    finish(user('u1', 'admin'));
    await pending;
    const fresh = counted(user('u1', 'agent'));
    expect((await cache.get('u1', fresh.read, 1))?.role).toBe('agent');
    expect(fresh.reads()).toBe(1);
  });

  it('forgets everyone when the relay brings a user event or an access change, and nothing else', async () => {
    const { cache, relayed } = cacheOnRelay();
    await cache.get('u1', counted(user('u1')).read, 0);
    relayed.next({ type: 'customer_created' } as RelayedEvent);
    expect(cache.size).toBe(1);
    relayed.next({ type: 'user_updated' } as RelayedEvent);
    expect(cache.size).toBe(0);
    await cache.get('u1', counted(user('u1')).read, 0);
    relayed.next({ type: 'user_deleted' } as RelayedEvent);
    expect(cache.size).toBe(0);
    await cache.get('u1', counted(user('u1')).read, 0);
    relayed.next({ type: 'channel_deleted', accessChange: { kind: 'channel_deleted', channelId: 'c1' } } as RelayedEvent);
    expect(cache.size).toBe(0);
  });

  it('stays within its bound, dropping the oldest entry first', async () => {
    const { cache } = cacheOnRelay();
    for (let index = 0; index <= ACTOR_CACHE_MAX_ENTRIES; index++) await cache.get(`u${index}`, counted(user(`u${index}`)).read, 0);
    expect(cache.size).toBe(ACTOR_CACHE_MAX_ENTRIES);
    const first = counted(user('u0'));
    await cache.get('u0', first.read, 0);
    expect(first.reads()).toBe(1);
  });
});
