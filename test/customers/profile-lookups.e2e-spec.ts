import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { startTestApp } from '../support/test-app.js';
import {
  facebookTextMessage,
  FAKE_SECRETS,
  signedFacebookDelivery,
  signedZaloDelivery,
  zaloUserText,
} from '../support/webhook-signing.js';
import * as platform from '../platforms/platform-test-helpers.js';
import type { Loose, PlatformTestContext } from '../platforms/platform-test-helpers.js';
import { AVATAR_PNG, startFakeProfiles, type FakeProfiles } from './fake-profiles.js';

const { createPlatformChannel, db, deliver, startPlatformTest, stopPlatformTest, uniqueId, waitFor } = platform;

describe('customers: profile lookups (names and avatars)', () => {
  let profiles: FakeProfiles;
  let context: PlatformTestContext;
  let stream: SseReader;
  let facebookPageId: string;
  let zaloOaId: string;

  beforeAll(async () => {
    profiles = await startFakeProfiles();
    context = await startPlatformTest(profiles.env());
    facebookPageId = (await createPlatformChannel(context, 'facebook')).externalId;
    zaloOaId = (await createPlatformChannel(context, 'zalo')).externalId;
    stream = await openSse(`${context.t.baseUrl}/api/events/stream?types=customer_updated`, context.admin.auth);
  });
  afterAll(async () => {
    stream?.close();
    await stopPlatformTest(context);
    await profiles?.close();
  });

  async function facebookMessage(psid: string, text = 'hello'): Promise<void> {
    await deliver(context.t, signedFacebookDelivery(facebookTextMessage({ pageId: facebookPageId, psid, mid: uniqueId('m_'), text }))).expect(200);
  }

  async function customerOf(externalUserId: string): Promise<Loose> {
    const [row] = await db(context.t).query(
      `SELECT c.* FROM customers c JOIN customer_identities i ON i.customer_id = c.id WHERE i.external_user_id = $1`,
      [externalUserId],
    );
    return row;
  }

  async function pendingLookups(customerId: string): Promise<Loose[]> {
    return db(context.t).query('SELECT * FROM customer_profile_lookups WHERE customer_id = $1', [customerId]);
  }

  /** Waits until the customer's lookups are finished (or left), and returns the customer row. */
  async function lookedUp(externalUserId: string): Promise<Loose> {
    const customer = await waitFor(() => customerOf(externalUserId), 10_000, 'the customer');
    await waitFor(async () => (await pendingLookups(customer.id)).length === 0, 15_000, 'the lookup to end');
    return customerOf(externalUserId);
  }

  /** A new sender whose lookup is in flight (answered after a second): the customer, and an agent's edit of it. */
  async function whileLookupRuns(firstName: string, lastName: string) {
    const psid = uniqueId();
    profiles.script(psid, { ...profiles.facebookProfile(psid, firstName, lastName), delayMs: 1_000 });
    await facebookMessage(psid);
    await profiles.waitForRequests('facebook', psid, 1);
    const customer = await customerOf(psid);
    const edit = (changes: Record<string, string | null>) =>
      context.t.http().patch(`/api/customers/${customer.id}`).set(context.admin.auth).send(changes).expect(200);
    return { psid, edit };
  }

  function updatesFor(customerId: string): Loose[] {
    return stream
      .events()
      .filter((frame) => frame.event === 'customer_updated')
      .map((frame) => JSON.parse(frame.data ?? '{}'))
      .filter((data) => data.id === customerId);
  }

  it('gives a new Facebook sender a name and an avatar, with customer_updated on the stream', async () => {
    const psid = uniqueId();
    profiles.script(psid, profiles.facebookProfile(psid, 'Linh', 'Tran'));
    await facebookMessage(psid);
    const customer = await lookedUp(psid);
    expect(customer.name).toBe('Linh Tran');
    expect(customer.avatar_url).toMatch(/^\/api\/media\/[0-9a-f-]{36}$/);

    const [lookup] = profiles.requests('facebook', psid);
    expect(lookup.query.get('access_token')).toBe(FAKE_SECRETS.facebook.pageAccessToken);
    expect(lookup.query.get('fields')).toBe('first_name,last_name,profile_pic');
    expect(profiles.requests('cdn', `fb-${psid}.png`)).toHaveLength(1);

    await stream.waitFor(() => updatesFor(customer.id).length > 0);
    const [update] = updatesFor(customer.id);
    expect(update).toMatchObject({ name: 'Linh Tran', avatarUrl: customer.avatar_url });
    expect(update.identities).toEqual([expect.objectContaining({ platform: 'facebook', externalUserId: psid })]);

    const [media] = await db(context.t).query('SELECT * FROM media WHERE id = $1', [customer.avatar_url.split('/').pop()]);
    expect(media).toMatchObject({ kind: 'avatar', customer_id: customer.id, type: 'image', mime_type: 'image/png' });

    // The conversation names its customer with the picture too.
    const conversations = await context.t.http().get('/api/conversations').set(context.admin.auth).expect(200);
    const conversation = conversations.body.items.find((item: Loose) => item.customerId === customer.id);
    expect(conversation.customer).toEqual({ id: customer.id, name: 'Linh Tran', avatarUrl: customer.avatar_url, externalUserId: psid });
  });

  it('gives a new Zalo sender a name and an avatar from user/detail with the access_token header', async () => {
    const userId = uniqueId();
    profiles.script(userId, profiles.zaloProfile(userId, 'Nguyễn Thị Hoa'));
    await deliver(context.t, signedZaloDelivery(zaloUserText({ oaId: zaloOaId, userId, msgId: uniqueId('z'), text: 'Xin chào' }))).expect(200);
    const customer = await lookedUp(userId);
    expect(customer.name).toBe('Nguyễn Thị Hoa');
    expect(customer.avatar_url).toMatch(/^\/api\/media\//);
    const [lookup] = profiles.requests('zalo', userId);
    expect(lookup.headers.access_token).toBe(FAKE_SECRETS.zalo.accessToken);
    expect(JSON.parse(lookup.query.get('data') ?? '')).toEqual({ user_id: userId });
    await stream.waitFor(() => updatesFor(customer.id).some((update) => update.name === 'Nguyễn Thị Hoa'));
  });

  it('serves the avatar to every user of the workspace and to nobody else', async () => {
    const psid = uniqueId();
    await facebookMessage(psid);
    const customer = await lookedUp(psid);
    const agent: Session = await createUser(context.t, context.admin, 'agent'); // no channel membership needed
    const served = await context.t.http().get(customer.avatar_url).set(agent.auth).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.body as Buffer, AVATAR_PNG)).toBe(0);
    const stranger = await signupWorkspace(context.t, 'Another workspace');
    await context.t.http().get(customer.avatar_url).set(stranger.auth).expect(404);
    await context.t.http().get(customer.avatar_url).expect(401);
  });

  it('never overwrites a name an agent set while the lookup was running', async () => {
    const { psid, edit } = await whileLookupRuns('Platform', 'Name');
    await edit({ name: 'Chị Lan (VIP)', phone: null });
    const after = await lookedUp(psid);
    expect(after.name).toBe('Chị Lan (VIP)');
    expect(after.agent_set_fields).toEqual(['name']);
    expect(after.avatar_url).toMatch(/^\/api\/media\//); // the picture is still the platform's to give
  });

  it('fills the name after an agent saved other fields (an unknown name sent back empty is not a choice)', async () => {
    const { psid, edit } = await whileLookupRuns('Minh', 'Pham');
    await edit({ name: null, phone: '+84 912 345 678' });
    const after = await lookedUp(psid);
    expect(after).toMatchObject({ name: 'Minh Pham', phone: '+84 912 345 678', agent_set_fields: ['phone'] });
  });

  it('keeps a name the agent cleared empty: clearing counts as setting it', async () => {
    const { psid, edit } = await whileLookupRuns('Platform', 'Name');
    await edit({ name: 'Temporary' });
    await edit({ name: null });
    const after = await lookedUp(psid);
    expect(after).toMatchObject({ name: null, agent_set_fields: ['name'] });
    expect(after.avatar_url).toMatch(/^\/api\/media\//);
  });

  it('retries a 500 from the profile API with backoff, then succeeds', async () => {
    const psid = uniqueId();
    const transient = { status: 500, body: { error: { message: 'An unexpected error has occurred.', type: 'OAuthException', code: 2 } } };
    profiles.script(psid, transient, profiles.facebookProfile(psid, 'Second', 'Try'));
    await facebookMessage(psid);
    const customer = await lookedUp(psid);
    expect(customer.name).toBe('Second Try');
    const requests = profiles.requests('facebook', psid);
    expect(requests).toHaveLength(2);
  });

  it('stops at once on a 404, leaving the customer unnamed', async () => {
    const psid = uniqueId();
    profiles.script(psid, { status: 404, body: { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100, error_subcode: 33 } } });
    await facebookMessage(psid);
    const customer = await lookedUp(psid);
    expect(customer).toMatchObject({ name: null, avatar_url: null });
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // longer than the first backoff and a poll
    expect(profiles.requests('facebook', psid)).toHaveLength(1);
    expect(updatesFor(customer.id)).toEqual([]);
  });

  it('does not look up a known customer again for a second message', async () => {
    const psid = uniqueId();
    await facebookMessage(psid, 'first');
    const customer = await lookedUp(psid);
    await facebookMessage(psid, 'second');
    expect(await pendingLookups(customer.id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(profiles.requests('facebook', psid)).toHaveLength(1);
    const [{ count }] = await db(context.t).query('SELECT count(*)::int AS count FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1', [customer.id]);
    expect(count).toBe(2);
  });

  it('leaves the lookup when the channel needs reconnecting', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    await db(context.t).query(`UPDATE channels SET status = 'needs_reconnect' WHERE id = $1`, [channel.id]);
    const psid = uniqueId();
    await deliver(context.t, signedFacebookDelivery(facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text: 'hi' }))).expect(200);
    const customer = await lookedUp(psid);
    expect(customer.name).toBeNull();
    expect(profiles.requests('facebook', psid)).toHaveLength(0);
  });
});

describe('customers: profile lookups across a restart', () => {
  it('finishes a lookup that was claimed when the instance stopped', async () => {
    const profiles = await startFakeProfiles();
    const first = await startTestApp({ env: profiles.env() });
    try {
      const admin = await signupWorkspace(first);
      const context = { t: first, admin } as PlatformTestContext;
      const channel = await createPlatformChannel(context, 'facebook');
      const psid = uniqueId();
      profiles.script(psid, { hang: true }, profiles.facebookProfile(psid, 'After', 'Restart'));
      await deliver(first, signedFacebookDelivery(facebookTextMessage({ pageId: channel.externalId, psid, mid: uniqueId('m_'), text: 'hi' }))).expect(200);
      await profiles.waitForRequests('facebook', psid, 1);
      await first.close();
      profiles.dropHanging();

      const database = new pg.Client({ connectionString: first.databaseUrl });
      await database.connect();
      try {
        const { rows: [claimed] } = await database.query('SELECT * FROM customer_profile_lookups');
        expect(claimed.attempts).toBe(1);
        expect(new Date(claimed.next_attempt_at).getTime()).toBeGreaterThan(Date.now()); // still leased
        // The lease runs out (here: at once, instead of after its minutes).
        await database.query('UPDATE customer_profile_lookups SET next_attempt_at = now()');
      } finally {
        await database.end();
      }
      const second = await startTestApp({ env: profiles.env(), databaseUrl: first.databaseUrl });
      try {
        const customer = await waitFor(async () => {
          const [row] = await db(second).query('SELECT c.* FROM customers c JOIN customer_identities i ON i.customer_id = c.id WHERE i.external_user_id = $1', [psid]);
          return row?.name ? row : undefined;
        }, 15_000, 'the lookup after the restart');
        expect(customer.name).toBe('After Restart');
        expect(await db(second).query('SELECT * FROM customer_profile_lookups')).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await profiles.close();
    }
  });
});
