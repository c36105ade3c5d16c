import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { ACTOR_CACHE_TTL_MS } from '../../src/auth/actor-cache.js';
import { createUser, signupWorkspace, TEST_PASSWORD, type Session } from '../support/fixtures.js';
import { sleep } from '../support/realtime-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Well under the cache's TTL: a change seen within it came by invalidation, not by the entry running out. */
const RELAYED_WITHIN_MS = 3000;
const POLL_MS = 50;

/**
 * Authenticated requests read their user through a per-instance cache. Every change of the user must hold on
 * the instance that made it before that request is answered, and on the other instance as soon as the relay
 * brings the event: long before the cache's TTL.
 */
describe('the cached actor of authenticated requests, on two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Session;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ databaseUrl: a.databaseUrl });
    admin = await signupWorkspace(a);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  async function me(t: TestApp, session: Session): Promise<{ status: number; user?: Session['user'] }> {
    const response = await t.http().get('/api/auth/me').set(session.auth);
    return { status: response.status, user: (response.body as { user?: Session['user'] }).user };
  }

  /** Waits until `check` holds on `t`; returns how long it took. */
  async function within(check: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > RELAYED_WITHIN_MS) throw new Error(`not seen within ${RELAYED_WITHIN_MS} ms`);
      await sleep(POLL_MS);
    }
    return Date.now() - started;
  }

  /**
   * Requests `session`'s /me on `t` over and over (a few at a time) while `change` runs, and returns the statuses
   * of those sent after `change` had been answered: the instance that made the change must apply it to those,
   * even while its relay has not yet brought the change back.
   */
  async function answersAfter(t: TestApp, session: Session, change: () => Promise<unknown>): Promise<number[]> {
    let answeredAt = Number.POSITIVE_INFINITY;
    let running = true;
    const after: number[] = [];
    const loop = async () => {
      while (running) {
        const sentAt = performance.now();
        const { status } = await me(t, session);
        if (sentAt > answeredAt) after.push(status);
      }
    };
    const loops = [loop(), loop(), loop()];
    await sleep(POLL_MS);
    await change();
    answeredAt = performance.now();
    await sleep(POLL_MS * 2);
    running = false;
    await Promise.all(loops);
    return after;
  }

  it('keeps the TTL a backstop well above the relay latency the tests allow', () => {
    expect(ACTOR_CACHE_TTL_MS).toBeGreaterThan(RELAYED_WITHIN_MS * 2);
  });

  it('a deleted user is refused at once where deleted, and on the other instance as soon as relayed', async () => {
    const agent = await createUser(a, admin, 'agent');
    // Both instances have the user cached.
    expect((await me(a, agent)).status).toBe(200);
    expect((await me(b, agent)).status).toBe(200);
    const after = await answersAfter(a, agent, () => a.http().delete(`/api/users/${agent.user.id}`).set(admin.auth).expect(204));
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after)).toEqual(new Set([401]));
    await a.http().get('/api/customers').set(agent.auth).expect(401);
    await within(async () => (await me(b, agent)).status === 401);
    await b.http().get('/api/customers').set(agent.auth).expect(401);
  });

  it('a promotion and a demotion hold at once where made and on the other instance as soon as relayed', async () => {
    const agent = await createUser(a, admin, 'agent');
    await a.http().get('/api/users').set(agent.auth).expect(403);
    await b.http().get('/api/users').set(agent.auth).expect(403);

    await a.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ role: 'admin' }).expect(200);
    await a.http().get('/api/users').set(agent.auth).expect(200);
    expect((await me(a, agent)).user?.role).toBe('admin');
    await within(async () => (await me(b, agent)).user?.role === 'admin');
    await b.http().get('/api/users').set(agent.auth).expect(200);

    // Back, made on the other instance this time.
    await b.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ role: 'agent' }).expect(200);
    await b.http().get('/api/users').set(agent.auth).expect(403);
    await within(async () => (await a.http().get('/api/users').set(agent.auth)).status === 403);
    expect((await me(a, agent)).user?.role).toBe('agent');
  });

  it('a rename shows at once where made and on the other instance as soon as relayed', async () => {
    const agent = await createUser(a, admin, 'agent');
    expect((await me(a, agent)).user?.name).toBe('agent user');
    expect((await me(b, agent)).user?.name).toBe('agent user');
    await b.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ name: 'Renamed Agent' }).expect(200);
    expect((await me(b, agent)).user?.name).toBe('Renamed Agent');
    await within(async () => (await me(a, agent)).user?.name === 'Renamed Agent');
  });

  it('a password set by an admin or changed by the user ends their sign-ins, cached actor or not', async () => {
    const agent = await createUser(a, admin, 'agent');
    const login = await b.http().post('/api/auth/login').send({ email: agent.user.email, password: TEST_PASSWORD }).expect(200);
    const refreshToken = (login.body as { refreshToken: string }).refreshToken;
    expect((await me(a, agent)).status).toBe(200);
    expect((await me(b, agent)).status).toBe(200);

    await a.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ password: 'a brand new password' }).expect(200);
    await b.http().post('/api/auth/refresh').send({ refreshToken }).expect(401);
    await a.http().post('/api/auth/login').send({ email: agent.user.email, password: TEST_PASSWORD }).expect(401);
    const fresh = await b.http().post('/api/auth/login').send({ email: agent.user.email, password: 'a brand new password' }).expect(200);
    const session: Session = { ...agent, auth: { Authorization: `Bearer ${(fresh.body as { accessToken: string }).accessToken}` } };
    expect((await me(b, session)).user).toEqual(agent.user);

    const changed = await b
      .http()
      .post('/api/auth/password')
      .set(session.auth)
      .send({ currentPassword: 'a brand new password', newPassword: 'yet another password' })
      .expect(200);
    await a.http().post('/api/auth/refresh').send({ refreshToken: (fresh.body as { refreshToken: string }).refreshToken }).expect(401);
    expect((changed.body as { user: Session['user'] }).user).toEqual(agent.user);
    expect((await me(a, session)).user).toEqual(agent.user);
  });

  it("refuses a token naming another workspace than the cached user's", async () => {
    const agent = await createUser(a, admin, 'agent');
    const other = await signupWorkspace(a, 'Another workspace');
    expect((await me(a, agent)).status).toBe(200);
    const forged = new JwtService({ secret: a.config.jwtSecret }).sign({ sub: agent.user.id, wid: other.user.workspaceId, role: 'admin' }, { expiresIn: 60 });
    await a.http().get('/api/auth/me').set({ Authorization: `Bearer ${forged}` }).expect(401);
    await a.http().get('/api/customers').set({ Authorization: `Bearer ${forged}` }).expect(401);
    expect((await me(a, agent)).user?.workspaceId).toBe(admin.user.workspaceId);
  });
});
