import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, TEST_PASSWORD, uniqueEmail } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('auth', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs up a workspace with its admin, logs in and answers me', async () => {
    const email = uniqueEmail('owner');
    const signup = await t.http().post('/api/auth/signup').send({ workspaceName: 'Acme', email, name: 'Owner', password: TEST_PASSWORD }).expect(201);
    expect(signup.body.user).toMatchObject({ email, name: 'Owner', role: 'admin' });
    expect(signup.body.accessToken).toEqual(expect.any(String));
    expect(JSON.stringify(signup.body)).not.toContain(TEST_PASSWORD);

    const login = await t.http().post('/api/auth/login').send({ email, password: TEST_PASSWORD }).expect(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { email, role: 'admin' } });

    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body.user).toEqual({
      id: signup.body.user.id,
      email,
      name: 'Owner',
      role: 'admin',
      workspaceId: signup.body.user.workspaceId,
    });
  });

  it('rejects a taken email with 409 and a wrong password with 401', async () => {
    const admin = await signupWorkspace(t);
    await t.http().post('/api/auth/signup').send({ workspaceName: 'X', email: admin.user.email.toUpperCase(), name: 'X', password: TEST_PASSWORD }).expect(409);
    await t.http().post('/api/auth/login').send({ email: admin.user.email, password: 'wrong password' }).expect(401);
  });

  it('answers 401 without, with a malformed, a forged or an expired token', async () => {
    await t.http().get('/api/auth/me').expect(401);
    await t.http().get('/api/auth/me').set('Authorization', 'Bearer nonsense').expect(401);
    const admin = await signupWorkspace(t);
    const [header, payload] = admin.token.split('.');
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${header}.${payload}.forgedsignature`).expect(401);
    const jwt = await import('@nestjs/jwt');
    const expired = new jwt.JwtService({ secret: t.config.jwtSecret }).sign(
      { sub: admin.user.id, wid: admin.user.workspaceId, role: 'admin' },
      { expiresIn: -10 },
    );
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${expired}`).expect(401);
  });

  it('validates bodies: every problem listed, unknown fields rejected', async () => {
    const response = await t.http().post('/api/auth/signup').send({ email: 'not-an-email', extra: true }).expect(400);
    expect(response.body.statusCode).toBe(400);
    expect(response.body.error).toBe('Bad Request');
    const messages = (response.body.message as string[]).join('\n');
    expect(messages).toContain('property extra should not exist');
    expect(messages).toContain('email must be an email');
    expect(messages).toContain('workspaceName');
    expect(messages).toContain('password');
    await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":').expect(400);
  });

  it('locks an email after 10 failed logins with 429 and Retry-After, even with the right password', async () => {
    const admin = await signupWorkspace(t);
    for (let attempt = 0; attempt < 10; attempt++) {
      await t.http().post('/api/auth/login').send({ email: admin.user.email, password: 'wrong password' }).expect(401);
    }
    const blocked = await t.http().post('/api/auth/login').send({ email: admin.user.email, password: TEST_PASSWORD }).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('does not block successful logins of many users from one address', async () => {
    const admin = await signupWorkspace(t);
    for (let index = 0; index < 12; index++) await createUser(t, admin);
  });

  it('enforces roles: an agent gets 403 on admin routes', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    await t.http().get('/api/users').set(agent.auth).expect(403);
    await t.http().post('/api/users').set(agent.auth).send({ email: uniqueEmail(), name: 'x', password: TEST_PASSWORD, role: 'admin' }).expect(403);
    const list = await t.http().get('/api/users').set(admin.auth).expect(200);
    expect(list.body.items.map((user: { id: string }) => user.id)).toEqual(expect.arrayContaining([admin.user.id, agent.user.id]));
  });

  it('stops accepting the token of a deleted user at once', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    await t.http().get('/api/auth/me').set(agent.auth).expect(200);
    await t.http().delete(`/api/users/${agent.user.id}`).set(admin.auth).expect(204);
    await t.http().get('/api/auth/me').set(agent.auth).expect(401);
  });

  it('hides users of another workspace (404) and rejects a non-UUID id (400)', async () => {
    const first = await signupWorkspace(t);
    const second = await signupWorkspace(t);
    await t.http().get(`/api/users/${second.user.id}`).set(first.auth).expect(404);
    await t.http().delete(`/api/users/${second.user.id}`).set(first.auth).expect(404);
    await t.http().get('/api/users/not-a-uuid').set(first.auth).expect(400);
  });
});
