import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export interface Session {
  token: string;
  user: { id: string; email: string; name: string; role: 'admin' | 'agent'; workspaceId: string };
  auth: { Authorization: string };
}

export const TEST_PASSWORD = 'correct horse battery';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
}

/** A new workspace with its admin, through the public signup route. */
export async function signupWorkspace(t: TestApp, name = 'Test workspace'): Promise<Session> {
  const response = await t
    .http()
    .post('/api/auth/signup')
    .send({ workspaceName: name, email: uniqueEmail('admin'), name: 'Admin', password: TEST_PASSWORD })
    .expect(201);
  const body = response.body as { accessToken: string; user: Session['user'] };
  return { token: body.accessToken, user: body.user, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/** A user created by an admin, logged in. */
export async function createUser(t: TestApp, admin: Session, role: 'admin' | 'agent' = 'agent'): Promise<Session> {
  const email = uniqueEmail(role);
  await t.http().post('/api/users').set(admin.auth).send({ email, name: `${role} user`, password: TEST_PASSWORD, role }).expect(201);
  const login = await t.http().post('/api/auth/login').send({ email, password: TEST_PASSWORD }).expect(200);
  const body = login.body as { accessToken: string; user: Session['user'] };
  return { token: body.accessToken, user: body.user, auth: { Authorization: `Bearer ${body.accessToken}` } };
}
