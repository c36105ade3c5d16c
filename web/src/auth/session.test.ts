import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http-client';
import { FakeBroadcastChannel, FakeLockManager } from '../test/fake-browser';
import { Session, SESSION_CHANNEL, type SessionEnd } from './session';
import { accessTokenFrom, TokenStore } from './token-store';

const locks = new FakeLockManager();
const sessions: Session[] = [];

/** One tab: its own memory, the shared locks and channel. */
function tab(refresh: () => Promise<{ accessToken: string; expiresIn: number }>) {
  const store = new TokenStore();
  const ended: SessionEnd[] = [];
  const session = new Session({
    store,
    refresh,
    logout: () => Promise.resolve(),
    channel: new FakeBroadcastChannel(SESSION_CHANNEL),
    locks: { request: (name, callback) => locks.request(name, {}, callback) },
  });
  session.onEnded((reason) => ended.push(reason));
  session.start();
  sessions.push(session);
  return { store, session, ended };
}

afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
  vi.useRealTimers();
});

describe('session renewal across tabs', () => {
  it('one refresh serves two tabs that hit a 401 at once; the other tab gets the token by broadcast', async () => {
    let n = 0;
    const refresh = vi.fn(() => Promise.resolve({ accessToken: `t${++n}`, expiresIn: 3600 }));
    const a = tab(refresh);
    const b = tab(refresh);
    a.store.set(accessTokenFrom('t0', 3600));
    b.store.set(accessTokenFrom('t0', 3600));
    const [fromA, fromB] = await Promise.all([a.session.renew('t0'), b.session.renew('t0')]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fromA).toBe('t1');
    expect(fromB).toBe('t1');
    expect(b.store.get()).toBe('t1');
  });

  it('renews a margin before expiry without any request failing', async () => {
    vi.useFakeTimers();
    const refresh = vi.fn(() => Promise.resolve({ accessToken: 'next', expiresIn: 8 }));
    const a = tab(refresh);
    a.store.set(accessTokenFrom('first', 8));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200); // 8 s − 1 s of exp's whole seconds − 2 s margin
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(a.store.get()).toBe('next');
  });

  it('a refused refresh ends the session in every tab; a network failure does not', async () => {
    let answer: () => Promise<{ accessToken: string; expiresIn: number }> = () => Promise.reject(new TypeError('offline'));
    const a = tab(() => answer());
    const b = tab(() => answer());
    a.store.set(accessTokenFrom('t0', 3600));
    b.store.set(accessTokenFrom('t0', 3600));
    await expect(a.session.renew('t0')).rejects.toThrow('offline');
    expect(a.store.get()).toBe('t0');
    answer = () => Promise.reject(new ApiError(401, 'Refresh token revoked'));
    expect(await a.session.renew('t0')).toBeNull();
    await vi.waitFor(() => expect(b.store.get()).toBeNull());
    expect(a.ended).toEqual(['expired']);
    expect(b.ended).toEqual(['expired']);
  });

  it('sign-out in one tab signs out the other', async () => {
    const a = tab(() => Promise.reject(new Error('unused')));
    const b = tab(() => Promise.reject(new Error('unused')));
    a.session.adopt({ accessToken: 'signed-in', expiresIn: 3600 });
    await vi.waitFor(() => expect(b.store.get()).toBe('signed-in'));
    await a.session.signOut();
    await vi.waitFor(() => expect(b.ended).toEqual(['signed-out']));
    expect(b.store.get()).toBeNull();
  });
});
