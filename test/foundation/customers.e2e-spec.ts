import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createUser, signupWorkspace } from '../support/fixtures.js';
import { createChannel, insertCustomer, insertIdentity } from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('customers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, updates and lists a customer; agents see customers too', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const created = await t
      .http()
      .post('/api/customers')
      .set(agent.auth)
      .send({ name: '  Lan Pham ', phone: '+84 912 345 678', email: 'lan@example.com', notes: 'VIP' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Lan Pham',
      phone: '+84 912 345 678',
      email: 'lan@example.com',
      notes: 'VIP',
      avatarUrl: null,
      identities: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const fetched = await t.http().get(`/api/customers/${created.body.id}`).set(admin.auth).expect(200);
    expect(fetched.body).toEqual(created.body);

    const updated = await t
      .http()
      .patch(`/api/customers/${created.body.id}`)
      .set(agent.auth)
      .send({ notes: null, name: 'Lan P.' })
      .expect(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      name: 'Lan P.',
      notes: null,
      phone: '+84 912 345 678',
    });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));

    const empty = await t.http().post('/api/customers').set(admin.auth).send({}).expect(201);
    expect(empty.body).toMatchObject({ name: null, phone: null, email: null, notes: null });

    const list = await t.http().get('/api/customers').set(agent.auth).expect(200);
    expect(list.body.items.map((customer: { id: string }) => customer.id)).toEqual([
      empty.body.id,
      created.body.id,
    ]);
    expect(list.body.nextCursor).toBeNull();
  });

  it('includes identities in the customer', async () => {
    const admin = await signupWorkspace(t);
    const channel = await createChannel(t, admin, { platform: 'zalo' });
    const customer = await insertCustomer(t, admin.user.workspaceId, { name: 'Has identity' });
    const identity = await insertIdentity(t, {
      workspaceId: admin.user.workspaceId,
      customerId: customer.id,
      channelId: channel.id,
      platform: 'zalo',
    });
    const fetched = await t.http().get(`/api/customers/${customer.id}`).set(admin.auth).expect(200);
    expect(fetched.body.identities).toEqual([
      { platform: 'zalo', channelId: channel.id, externalUserId: identity.externalUserId },
    ]);
    const list = await t.http().get('/api/customers').set(admin.auth).expect(200);
    expect(list.body.items[0].identities).toEqual(fetched.body.identities);
  });

  it('searches name, phone and email case-insensitively, with % and _ matching themselves', async () => {
    const admin = await signupWorkspace(t);
    const workspaceId = admin.user.workspaceId;
    const byName = await insertCustomer(t, workspaceId, { name: 'Tran Thi MAI' });
    const byPhone = await insertCustomer(t, workspaceId, { name: 'Other', phone: '0909-555-123' });
    const byEmail = await insertCustomer(t, workspaceId, { name: 'Third', email: 'Mai.Nguyen@Example.com' });
    const percent = await insertCustomer(t, workspaceId, { name: '100% real_name' });
    const search = async (q: string) =>
      (await t.http().get('/api/customers').query({ q }).set(admin.auth).expect(200)).body.items.map(
        (customer: { id: string }) => customer.id,
      );
    expect(await search('mai')).toEqual([byEmail.id, byName.id]);
    expect(await search('555-1')).toEqual([byPhone.id]);
    expect(await search('EXAMPLE.COM')).toEqual([byEmail.id]);
    expect(await search('0%')).toEqual([percent.id]);
    expect(await search('l_n')).toEqual([percent.id]);
    expect(await search('r_n')).toEqual([]);
    expect(await search('nobody')).toEqual([]);
    expect(await search('')).toHaveLength(4);
  });

  it('pages newest first without skipping or repeating while customers are inserted', async () => {
    const admin = await signupWorkspace(t);
    const workspaceId = admin.user.workspaceId;
    // Several rows share one timestamp: the id breaks the tie, exactly.
    const sameInstant = new Date(Date.now() - 60_000);
    const existing: string[] = [];
    for (let index = 0; index < 23; index++) {
      const createdAt = index % 3 === 0 ? sameInstant : new Date(Date.now() - 120_000 + index * 1000 + 0.5);
      existing.push((await insertCustomer(t, workspaceId, { name: `existing ${index}`, createdAt })).id);
    }
    // And several a few microseconds apart, inside one millisecond (a JS Date cannot tell them apart).
    await t.app.get(DataSource).query(
      `UPDATE customers SET created_at = $1::timestamptz + (ordinal * interval '1 microsecond')
              FROM unnest($2::uuid[]) WITH ORDINALITY AS picked(id, ordinal) WHERE customers.id = picked.id`,
      [sameInstant, existing.filter((_, index) => index % 3 === 1)],
    );
    const [{ expected }] = await t.app
      .get(DataSource)
      .query(
        `SELECT array_agg(id::text ORDER BY created_at DESC, id DESC) AS expected FROM customers WHERE workspace_id = $1`,
        [workspaceId],
      );

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 5, cursor } : { limit: 5 };
      const response = await t.http().get('/api/customers').query(query).set(admin.auth).expect(200);
      seen.push(...response.body.items.map((customer: { id: string }) => customer.id));
      cursor = response.body.nextCursor;
      pages += 1;
      await t
        .http()
        .post('/api/customers')
        .set(admin.auth)
        .send({ name: `inserted during paging ${pages}` })
        .expect(201);
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(existing.length);
  });

  it('soft-deletes: 404 afterwards, gone from lists, identities removed', async () => {
    const admin = await signupWorkspace(t);
    const channel = await createChannel(t, admin);
    const customer = await insertCustomer(t, admin.user.workspaceId, { name: 'To delete' });
    const identity = await insertIdentity(t, {
      workspaceId: admin.user.workspaceId,
      customerId: customer.id,
      channelId: channel.id,
      platform: 'facebook',
    });
    await t.http().delete(`/api/customers/${customer.id}`).set(admin.auth).expect(204);
    await t.http().get(`/api/customers/${customer.id}`).set(admin.auth).expect(404);
    await t.http().patch(`/api/customers/${customer.id}`).set(admin.auth).send({ name: 'x' }).expect(404);
    await t.http().delete(`/api/customers/${customer.id}`).set(admin.auth).expect(404);
    expect((await t.http().get('/api/customers').set(admin.auth).expect(200)).body.items).toEqual([]);
    const database = t.app.get(DataSource);
    const [row] = await database.query('SELECT deleted_at FROM customers WHERE id = $1', [customer.id]);
    expect(row.deleted_at).not.toBeNull();
    const identities = await database.query('SELECT 1 FROM customer_identities WHERE external_user_id = $1', [
      identity.externalUserId,
    ]);
    expect(identities).toHaveLength(0);
  });

  it('validates bodies and queries (400) and hides other workspaces (404)', async () => {
    const admin = await signupWorkspace(t);
    const other = await signupWorkspace(t);
    const response = await t
      .http()
      .post('/api/customers')
      .set(admin.auth)
      .send({
        name: 42,
        email: 'not-an-email',
        phone: 'call me',
        notes: 'x'.repeat(10_001),
        avatarUrl: 'http://x',
      })
      .expect(400);
    const messages = (response.body.message as string[]).join('\n');
    for (const expected of [
      'name must be a string',
      'email must be an email',
      'phone may contain only',
      'notes must be shorter',
      'property avatarUrl should not exist',
    ]) {
      expect(messages).toContain(expected);
    }
    await t.http().get('/api/customers?limit=0').set(admin.auth).expect(400);
    await t.http().get('/api/customers?limit=101').set(admin.auth).expect(400);
    await t.http().get('/api/customers?limit=100').set(admin.auth).expect(200);
    await t.http().get('/api/customers?cursor=bm90LWEtY3Vyc29y').set(admin.auth).expect(400);
    await t.http().get('/api/customers/123').set(admin.auth).expect(400);

    const theirs = await t.http().post('/api/customers').set(other.auth).send({ name: 'Theirs' }).expect(201);
    await t.http().get(`/api/customers/${theirs.body.id}`).set(admin.auth).expect(404);
    await t
      .http()
      .patch(`/api/customers/${theirs.body.id}`)
      .set(admin.auth)
      .send({ name: 'Mine now' })
      .expect(404);
    await t.http().delete(`/api/customers/${theirs.body.id}`).set(admin.auth).expect(404);
    expect((await t.http().get('/api/customers').set(admin.auth).expect(200)).body.items).toEqual([]);
    expect(
      (await t.http().get(`/api/customers/${theirs.body.id}`).set(other.auth).expect(200)).body.name,
    ).toBe('Theirs');
  });
});
