import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUser, signupWorkspace, TEST_PASSWORD, uniqueEmail } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function refreshCookie(headers: Record<string, unknown>): string | undefined {
  const cookies = (headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('crm_refresh='));
}

function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0].slice('crm_refresh='.length);
}

describe('sessions: refresh tokens, logout, password change', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function login(email: string, password = TEST_PASSWORD) {
    const response = await t.http().post('/api/auth/login').send({ email, password }).expect(200);
    return response;
  }

  it('login sets an HttpOnly, SameSite=Strict cookie on /api/auth and answers the same refresh token', async () => {
    const admin = await signupWorkspace(t);
    const response = await login(admin.user.email);
    const cookie = refreshCookie(response.headers);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/api\/auth/);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookieValue(cookie!)).toBe(response.body.refreshToken);
    expect(Buffer.from(response.body.refreshToken as string, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('signup answers a refresh token and the cookie too', async () => {
    const response = await t
      .http()
      .post('/api/auth/signup')
      .send({ workspaceName: 'W', email: uniqueEmail('owner'), name: 'Owner', password: TEST_PASSWORD })
      .expect(201);
    expect(response.body.refreshToken).toEqual(expect.any(String));
    expect(cookieValue(refreshCookie(response.headers)!)).toBe(response.body.refreshToken);
  });

  it('rotates: the cookie is spent for a new one that keeps working, the new access token is valid', async () => {
    const admin = await signupWorkspace(t);
    const first = await login(admin.user.email);
    const refreshed = await t.http().post('/api/auth/refresh').set('Cookie', `crm_refresh=${first.body.refreshToken}`).expect(200);
    expect(refreshed.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { id: admin.user.id } });
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
    expect(refreshed.body.refreshToken).not.toBe(first.body.refreshToken);
    expect(cookieValue(refreshCookie(refreshed.headers)!)).toBe(refreshed.body.refreshToken);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(200);
    // The body works as well as the cookie.
    const again = await t.http().post('/api/auth/refresh').send({ refreshToken: refreshed.body.refreshToken }).expect(200);
    expect(again.body.refreshToken).toEqual(expect.any(String));
  });

  it('within 10 s a repeated refresh gets an access token, no new refresh token and no cookie; the chain stays valid', async () => {
    const admin = await signupWorkspace(t);
    const first = await login(admin.user.email);
    const winner = await t.http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    const late = await t.http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    expect(late.body.refreshToken).toBeNull();
    expect(refreshCookie(late.headers)).toBeUndefined();
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${late.body.accessToken}`).expect(200);
    await t.http().post('/api/auth/refresh').send({ refreshToken: winner.body.refreshToken }).expect(200);
  });

  it('concurrent refreshes of one token mint exactly one live successor', async () => {
    const admin = await signupWorkspace(t);
    const first = await login(admin.user.email);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(5).fill(200));
    const successors = answers.map((answer) => answer.body.refreshToken as string | null).filter((token) => token !== null);
    expect(successors).toHaveLength(1);
  });

  it('logout revokes the token and clears the cookie; the token then gives 401', async () => {
    const admin = await signupWorkspace(t);
    const first = await login(admin.user.email);
    const logout = await t.http().post('/api/auth/logout').set('Cookie', `crm_refresh=${first.body.refreshToken}`).expect(204);
    const cleared = refreshCookie(logout.headers);
    expect(cleared).toMatch(/^crm_refresh=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cleared).toMatch(/; Path=\/api\/auth/);
    await t.http().post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(401);
  });

  it('missing, unknown and malformed refresh tokens are 401 or 400', async () => {
    await t.http().post('/api/auth/refresh').expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: 'not-a-token' }).expect(401);
    await t.http().post('/api/auth/refresh').set('Cookie', 'crm_refresh=unknown').expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: 42 }).expect(400);
    await t.http().post('/api/auth/refresh').send({ refreshToken: 'x', extra: 1 }).expect(400);
  });

  it('password change: wrong current → 403, weak new → 400 and nothing changed; success revokes other sessions', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin);
    const other = await login(agent.user.email);
    await t.http().post('/api/auth/password').set(agent.auth).send({ currentPassword: 'wrong password', newPassword: 'another good one' }).expect(403);
    const weak = await t.http().post('/api/auth/password').set(agent.auth).send({ currentPassword: TEST_PASSWORD, newPassword: 'short' }).expect(400);
    expect(JSON.stringify(weak.body.message)).toContain('newPassword');
    await t.http().post('/api/auth/password').send({ currentPassword: TEST_PASSWORD, newPassword: 'another good one' }).expect(401);
    // Nothing changed so far: the old password and the other session still work.
    await login(agent.user.email);
    const changed = await t.http().post('/api/auth/password').set(agent.auth).send({ currentPassword: TEST_PASSWORD, newPassword: 'another good one' }).expect(200);
    expect(changed.body).toMatchObject({ tokenType: 'Bearer', user: { id: agent.user.id } });
    expect(cookieValue(refreshCookie(changed.headers)!)).toBe(changed.body.refreshToken);
    await t.http().post('/api/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: changed.body.refreshToken }).expect(200);
    await t.http().post('/api/auth/login').send({ email: agent.user.email, password: TEST_PASSWORD }).expect(401);
    await login(agent.user.email, 'another good one');
  });

  it('an admin setting a password revokes that user\'s refresh tokens only', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin);
    const agentSession = await login(agent.user.email);
    const adminSession = await login(admin.user.email);
    await t.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ password: 'short' }).expect(400);
    await t.http().post('/api/auth/refresh').send({ refreshToken: agentSession.body.refreshToken }).expect(200).then(async (rotated) => {
      await t.http().patch(`/api/users/${agent.user.id}`).set(admin.auth).send({ password: 'set by the admin' }).expect(200);
      await t.http().post('/api/auth/refresh').send({ refreshToken: rotated.body.refreshToken }).expect(401);
    });
    await t.http().post('/api/auth/refresh').send({ refreshToken: adminSession.body.refreshToken }).expect(200);
    await login(agent.user.email, 'set by the admin');
    // An agent may not set passwords.
    await t.http().patch(`/api/users/${admin.user.id}`).set(agent.auth).send({ password: 'agent tries this' }).expect(403);
  });

  it('security headers on the console and the API; the docs keep their own policy', async () => {
    // The console's own routes get the same middleware; without a built console here, the API routes stand for them.
    for (const path of ['/api/health/live', '/api/auth/me', '/api/conversations']) {
      const response = await t.http().get(path);
      const policy = response.headers['content-security-policy'];
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
    const docs = await t.http().get('/api/docs/').redirects(1);
    expect(docs.status).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('sessions: reuse detection and expiry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { REFRESH_TOKEN_TTL: '2s' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('an expired refresh token is 401', async () => {
    const admin = await signupWorkspace(t);
    const login = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(200);
    expect(refreshCookie(login.headers)).toMatch(/Max-Age=2;/);
    await sleep(2200);
    await t.http().post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(401);
  });
});

describe('sessions: reuse after the grace revokes the chain', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a token presented again 10 s after its rotation → 401 and every token of that sign-in revoked; other sign-ins untouched', async () => {
    const admin = await signupWorkspace(t);
    const stolen = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(200);
    const other = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(200);
    const successor = await t.http().post('/api/auth/refresh').send({ refreshToken: stolen.body.refreshToken }).expect(200);
    await sleep(10_500);
    await t.http().post('/api/auth/refresh').send({ refreshToken: stolen.body.refreshToken }).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: successor.body.refreshToken }).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
  }, 30_000);
});

describe('sessions behind an HTTPS proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks the cookie Secure and sends HSTS when the trusted proxy says HTTPS', async () => {
    const admin = await signupWorkspace(t);
    const response = await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: admin.user.email, password: TEST_PASSWORD })
      .expect(200);
    expect(refreshCookie(response.headers)).toMatch(/; Secure/);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const plain = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(200);
    expect(refreshCookie(plain.headers)).not.toMatch(/; Secure/);
  });
});
