import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { CredentialsCipher } from '../../src/channels/credentials-cipher.js';
import { createUser, signupWorkspace } from '../support/fixtures.js';
import {
  createChannel,
  CREDENTIAL_MARKERS,
  setChannelMembers,
  TEST_CREDENTIALS,
  uniqueExternalId,
} from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function expectNoCredentials(body: unknown): void {
  const serialized = JSON.stringify(body);
  for (const marker of CREDENTIAL_MARKERS) expect(serialized).not.toContain(marker);
  expect(serialized).not.toContain('"credentials"');
}

describe('channels', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a channel, encrypts its credentials at rest and never returns them', async () => {
    const admin = await signupWorkspace(t);
    const externalId = uniqueExternalId('page');
    const created = await t
      .http()
      .post('/api/channels')
      .set(admin.auth)
      .send({ platform: 'facebook', externalId, name: 'Acme page', credentials: TEST_CREDENTIALS.facebook })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      platform: 'facebook',
      externalId,
      name: 'Acme page',
      hasCredentials: true,
      status: 'active',
      statusReason: null,
      tokenExpiresAt: null,
      canRefreshToken: false,
      humanAgentTag: false,
      webhookUrl: `${t.baseUrl}/api/webhooks/facebook`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expectNoCredentials(created.body);

    const [row] = await t.app
      .get(DataSource)
      .query('SELECT credentials_encrypted FROM channels WHERE id = $1', [created.body.id]);
    expect(row.credentials_encrypted).not.toContain('SECRET');
    expect(t.app.get(CredentialsCipher).decrypt(created.body.id, row.credentials_encrypted)).toEqual(
      TEST_CREDENTIALS.facebook,
    );

    for (const response of [
      await t.http().get('/api/channels').set(admin.auth).expect(200),
      await t.http().get(`/api/channels/${created.body.id}`).set(admin.auth).expect(200),
      await t
        .http()
        .patch(`/api/channels/${created.body.id}`)
        .set(admin.auth)
        .send({ name: 'Renamed' })
        .expect(200),
      await t.http().get(`/api/channels/${created.body.id}/members`).set(admin.auth).expect(200),
      await t
        .http()
        .put(`/api/channels/${created.body.id}/members`)
        .set(admin.auth)
        .send({ userIds: [] })
        .expect(200),
      await t
        .http()
        .post('/api/channels')
        .set(admin.auth)
        .send({ platform: 'facebook', externalId, name: 'Duplicate', credentials: TEST_CREDENTIALS.facebook })
        .expect(409),
      await t
        .http()
        .patch(`/api/channels/${created.body.id}`)
        .set(admin.auth)
        .send({ credentials: { ...TEST_CREDENTIALS.facebook, unexpected: 'SECRET1' } })
        .expect(400),
      await t.http().delete(`/api/channels/${created.body.id}`).set(admin.auth).expect(204),
    ]) {
      expectNoCredentials(response.body);
    }
  });

  it('validates credentials per platform, listing every problem without echoing values', async () => {
    const admin = await signupWorkspace(t);
    const response = await t
      .http()
      .post('/api/channels')
      .set(admin.auth)
      .send({
        platform: 'zalo',
        externalId: uniqueExternalId(),
        name: 'OA',
        credentials: { appId: 'x', accessToken: '', extraSECRET9: 'SECRET1' },
      })
      .expect(400);
    const messages = (response.body.message as string[]).join('\n');
    expect(messages).toContain('credentials.oaSecretKey is required for zalo');
    expect(messages).toContain('credentials.accessToken must be a non-empty string');
    expect(messages).toContain('credentials.extraSECRET9 should not exist for zalo');
    expect(messages).not.toContain('SECRET1');

    const many = await t
      .http()
      .post('/api/channels')
      .set(admin.auth)
      .send({ platform: 'myspace', name: '', unknown: 1 })
      .expect(400);
    const manyMessages = (many.body.message as string[]).join('\n');
    expect(manyMessages).toContain('property unknown should not exist');
    expect(manyMessages).toContain('platform must be one of');
    expect(manyMessages).toContain('externalId');
    expect(manyMessages).toContain('credentials must be an object');

    for (const platform of ['facebook', 'zalo', 'tiktok'] as const) {
      await createChannel(t, admin, { platform });
    }
    const facebookWithTiktokCredentials = await t
      .http()
      .post('/api/channels')
      .set(admin.auth)
      .send({
        platform: 'facebook',
        externalId: uniqueExternalId(),
        name: 'Page',
        credentials: TEST_CREDENTIALS.tiktok,
      })
      .expect(400);
    expect(JSON.stringify(facebookWithTiktokCredentials.body)).toContain(
      'credentials.verifyToken is required for facebook',
    );
  });

  it('answers 409 for a (platform, externalId) installed anywhere, even in another workspace', async () => {
    const first = await signupWorkspace(t);
    const second = await signupWorkspace(t);
    const channel = await createChannel(t, first, { platform: 'tiktok' });
    const again = {
      platform: 'tiktok',
      externalId: channel.externalId,
      name: 'dup',
      credentials: TEST_CREDENTIALS.tiktok,
    };
    await t.http().post('/api/channels').set(second.auth).send(again).expect(409);
    await t.http().post('/api/channels').set(first.auth).send(again).expect(409);
    // The same id on another platform is a different installation.
    await t
      .http()
      .post('/api/channels')
      .set(first.auth)
      .send({ ...again, platform: 'zalo', credentials: TEST_CREDENTIALS.zalo })
      .expect(201);
    const count = await t.app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM channels WHERE external_id = $1', [channel.externalId]);
    expect(count[0].n).toBe(2);
  });

  it('updates name and replaces credentials, validated against the channel platform', async () => {
    const admin = await signupWorkspace(t);
    const channel = await createChannel(t, admin, { platform: 'facebook' });
    const bad = await t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(admin.auth)
      .send({ name: 'New name', credentials: { appSecret: 'only-this' } })
      .expect(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining(['credentials.pageAccessToken is required for facebook']),
    );
    // Nothing half-written: the name did not change either.
    expect((await t.http().get(`/api/channels/${channel.id}`).set(admin.auth).expect(200)).body.name).toBe(
      channel.name,
    );

    const replacement = { appSecret: 'new-secret', pageAccessToken: 'new-token', verifyToken: 'new-verify' };
    const updated = await t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(admin.auth)
      .send({ name: 'New name', credentials: replacement })
      .expect(200);
    expect(updated.body).toMatchObject({
      id: channel.id,
      name: 'New name',
      platform: 'facebook',
      externalId: channel.externalId,
      hasCredentials: true,
    });
    expect(JSON.stringify(updated.body)).not.toContain('new-secret');
    const [row] = await t.app
      .get(DataSource)
      .query('SELECT credentials_encrypted FROM channels WHERE id = $1', [channel.id]);
    expect(t.app.get(CredentialsCipher).decrypt(channel.id, row.credentials_encrypted)).toEqual(replacement);

    await t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(admin.auth)
      .send({ platform: 'zalo' })
      .expect(400);
  });

  it('lets only admins create, change, delete channels and set members (403 for agents)', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const channel = await createChannel(t, admin);
    await setChannelMembers(t, admin, channel.id, [agent.user.id]);
    await t
      .http()
      .post('/api/channels')
      .set(agent.auth)
      .send({
        platform: 'tiktok',
        externalId: uniqueExternalId(),
        name: 'x',
        credentials: TEST_CREDENTIALS.tiktok,
      })
      .expect(403);
    await t.http().patch(`/api/channels/${channel.id}`).set(agent.auth).send({ name: 'x' }).expect(403);
    await t.http().delete(`/api/channels/${channel.id}`).set(agent.auth).expect(403);
    await t
      .http()
      .put(`/api/channels/${channel.id}/members`)
      .set(agent.auth)
      .send({ userIds: [] })
      .expect(403);
    await t.http().get(`/api/channels/${channel.id}`).set(agent.auth).expect(200);
  });

  it('shows agents only their member channels, on list and detail', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const mine = await createChannel(t, admin);
    const other = await createChannel(t, admin);
    await setChannelMembers(t, admin, mine.id, [agent.user.id]);

    const agentList = await t.http().get('/api/channels').set(agent.auth).expect(200);
    expect(agentList.body.items.map((channel: { id: string }) => channel.id)).toEqual([mine.id]);
    expect(agentList.body.nextCursor).toBeNull();
    await t.http().get(`/api/channels/${other.id}`).set(agent.auth).expect(404);
    await t.http().get(`/api/channels/${other.id}/members`).set(agent.auth).expect(404);
    const members = await t.http().get(`/api/channels/${mine.id}/members`).set(agent.auth).expect(200);
    expect(members.body).toEqual({ channelId: mine.id, userIds: [agent.user.id] });

    const adminList = await t.http().get('/api/channels').set(admin.auth).expect(200);
    expect(adminList.body.items.map((channel: { id: string }) => channel.id).sort()).toEqual(
      [mine.id, other.id].sort(),
    );
  });

  it('sets members: replaces the set, rejects users of other workspaces (400, nothing changed), emits access.changed', async () => {
    const admin = await signupWorkspace(t);
    const stranger = await signupWorkspace(t);
    const first = await createUser(t, admin, 'agent');
    const second = await createUser(t, admin, 'agent');
    const channel = await createChannel(t, admin);
    const { EventEmitter2 } = await import('@nestjs/event-emitter');
    const seen: unknown[] = [];
    const listener = (envelope: unknown) => seen.push(envelope);
    t.app.get(EventEmitter2).on('access.changed', listener);
    try {
      const set = await t
        .http()
        .put(`/api/channels/${channel.id}/members`)
        .set(admin.auth)
        .send({ userIds: [first.user.id, first.user.id] })
        .expect(200);
      expect(set.body).toEqual({ channelId: channel.id, userIds: [first.user.id] });
      const replaced = await t
        .http()
        .put(`/api/channels/${channel.id}/members`)
        .set(admin.auth)
        .send({ userIds: [second.user.id] })
        .expect(200);
      expect(replaced.body.userIds).toEqual([second.user.id]);

      await t
        .http()
        .put(`/api/channels/${channel.id}/members`)
        .set(admin.auth)
        .send({ userIds: [first.user.id, stranger.user.id] })
        .expect(400);
      await t
        .http()
        .put(`/api/channels/${channel.id}/members`)
        .set(admin.auth)
        .send({ userIds: ['not-a-uuid'] })
        .expect(400);
      await t
        .http()
        .put(`/api/channels/${channel.id}/members`)
        .set(admin.auth)
        .send({ userIds: [], extra: 1 })
        .expect(400);
      const members = await t.http().get(`/api/channels/${channel.id}/members`).set(admin.auth).expect(200);
      expect(members.body.userIds).toEqual([second.user.id]);

      await t.http().delete(`/api/channels/${channel.id}`).set(admin.auth).expect(204);
      await t.http().get(`/api/channels/${channel.id}`).set(admin.auth).expect(404);
      await t.http().delete(`/api/channels/${channel.id}`).set(admin.auth).expect(404);
    } finally {
      t.app.get(EventEmitter2).off('access.changed', listener);
    }
    const events = seen.map((envelope) => (envelope as { event: unknown }).event);
    const scope = { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null };
    expect(events).toEqual([
      {
        name: 'access.changed',
        ...scope,
        data: { kind: 'channel_members', channelId: channel.id, userIds: [first.user.id] },
      },
      {
        name: 'access.changed',
        ...scope,
        data: { kind: 'channel_members', channelId: channel.id, userIds: [second.user.id] },
      },
      { name: 'access.changed', ...scope, data: { kind: 'channel_deleted', channelId: channel.id } },
    ]);
  });

  it('hides other workspaces (404) and rejects bad ids, bad limits and bad cursors (400)', async () => {
    const first = await signupWorkspace(t);
    const second = await signupWorkspace(t);
    const theirs = await createChannel(t, second);
    await t.http().get(`/api/channels/${theirs.id}`).set(first.auth).expect(404);
    await t.http().patch(`/api/channels/${theirs.id}`).set(first.auth).send({ name: 'x' }).expect(404);
    await t.http().delete(`/api/channels/${theirs.id}`).set(first.auth).expect(404);
    await t.http().get(`/api/channels/${theirs.id}/members`).set(first.auth).expect(404);
    await t
      .http()
      .put(`/api/channels/${theirs.id}/members`)
      .set(first.auth)
      .send({ userIds: [] })
      .expect(404);
    expect((await t.http().get('/api/channels').set(first.auth).expect(200)).body.items).toEqual([]);
    await t.http().get(`/api/channels/${theirs.id}`).set(second.auth).expect(200);

    await t.http().get('/api/channels/not-a-uuid').set(first.auth).expect(400);
    for (const limit of ['0', '101', 'abc', '1.5'])
      await t.http().get(`/api/channels?limit=${limit}`).set(first.auth).expect(400);
    await t.http().get('/api/channels?cursor=garbage').set(first.auth).expect(400);
    await t.http().get('/api/channels?unknown=1').set(first.auth).expect(400);
    await t.http().get('/api/channels').expect(401);
  });

  it('pages channels newest first with an opaque cursor', async () => {
    const admin = await signupWorkspace(t);
    const created = [];
    for (let index = 0; index < 5; index++) created.push(await createChannel(t, admin));
    const first = await t.http().get('/api/channels?limit=2').set(admin.auth).expect(200);
    const second = await t
      .http()
      .get(`/api/channels?limit=2&cursor=${first.body.nextCursor}`)
      .set(admin.auth)
      .expect(200);
    const third = await t
      .http()
      .get(`/api/channels?limit=2&cursor=${second.body.nextCursor}`)
      .set(admin.auth)
      .expect(200);
    expect(third.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (channel: { id: string }) => channel.id,
    );
    expect(ids).toEqual(created.map((channel) => channel.id).reverse());
  });
});
