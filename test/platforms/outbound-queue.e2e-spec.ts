import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FAKE_SECRETS, facebookTextMessage, signedFacebookDelivery } from '../support/webhook-signing.js';
import {
  channelConversations,
  createPlatformChannel,
  db,
  deliver,
  makeRetriesDue,
  sendAgentMessage,
  uniqueId,
  waitFor,
  waitForMessageStatus,
  workspaceEvents,
} from './platform-test-helpers.js';

/** The durable send queue across restarts and instances. */
describe('outbound queue', () => {
  let fake: FakePlatforms;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    fake = await startFakePlatforms();
  });
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
  });

  async function start(databaseUrl?: string): Promise<TestApp> {
    const t = await startTestApp({ env: fake.env(), ...(databaseUrl ? { databaseUrl } : {}) });
    apps.push(t);
    return t;
  }

  /** A facebook channel with `count` conversations (one inbound message each). */
  async function inbox(
    t: TestApp,
    admin: Session,
    count: number,
  ): Promise<{ channelId: string; conversationIds: string[] }> {
    const channel = await createPlatformChannel({ t, admin, fake }, 'facebook');
    for (let index = 0; index < count; index++) {
      await deliver(
        t,
        signedFacebookDelivery(
          facebookTextMessage({
            pageId: channel.externalId,
            psid: uniqueId(),
            mid: uniqueId('m_'),
            text: 'hi',
          }),
        ),
      ).expect(200);
    }
    const conversations = await channelConversations(t, channel.id);
    return { channelId: channel.id, conversationIds: conversations.map((conversation) => conversation.id) };
  }

  function sendCounts(ids: string[]): number[] {
    return ids.map(
      (id) =>
        fake.requests('facebook').filter((request) => request.body?.message?.metadata === `crm:${id}`).length,
    );
  }

  it('sends every message pending at a restart exactly once', async () => {
    const first = await start();
    const admin = await signupWorkspace(first);
    const { conversationIds } = await inbox(first, admin, 2);
    fake.setDefault('facebook', () => ({ ...fake.replies.facebook.success(), delayMs: 150 }));
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      for (const [position, conversationId] of conversationIds.entries()) {
        ids.push(
          (await sendAgentMessage(first, admin, conversationId, `conversation ${position} reply ${index}`))
            .id,
        );
      }
    }
    await fake.waitForRequests('facebook', 1);
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const sentBeforeRestart = fake.requests('facebook').length;
    expect(sentBeforeRestart).toBeLessThan(ids.length);

    const second = await start(first.databaseUrl);
    for (const id of ids) await waitForMessageStatus(second, id, ['sent'], 15_000);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(sendCounts(ids)).toEqual(ids.map(() => 1));
    const events = await workspaceEvents(second, admin.user.workspaceId);
    for (const id of ids)
      expect(
        events
          .filter((event) => event.type === 'message_sent' && event.data.id === id)
          .map((event) => event.data.status),
      ).toEqual(['pending', 'sent']);
    // Messages of one conversation went out in the order they were written.
    for (const conversationId of conversationIds) {
      const order = fake.requests('facebook').map((request) => request.body.message.text);
      const rows: Array<{ content: string }> = await db(second).query(
        `SELECT content FROM messages WHERE conversation_id = $1 AND sender = 'agent' ORDER BY created_at`,
        [conversationId],
      );
      const sentOrder = order.filter((text) => rows.some((row) => row.content === text));
      expect(sentOrder).toEqual(rows.map((row) => row.content));
    }
  });

  it('never sends one message twice with two instances on one database', async () => {
    const first = await start();
    const second = await start(first.databaseUrl);
    const admin = await signupWorkspace(first);
    const { conversationIds } = await inbox(first, admin, 4);
    fake.setDefault('facebook', () => ({ ...fake.replies.facebook.success(), delayMs: 20 }));
    const ids: string[] = [];
    await Promise.all(
      conversationIds.map(async (conversationId, index) => {
        const app = index % 2 === 0 ? first : second;
        for (let round = 0; round < 6; round++)
          ids.push((await sendAgentMessage(app, admin, conversationId, `m${round}`)).id);
      }),
    );
    for (const id of ids) await waitForMessageStatus(first, id, ['sent'], 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(sendCounts(ids)).toEqual(ids.map(() => 1));
  });

  it('gives up after the bounded attempts with a readable error that holds no token', async () => {
    const t = await start();
    const admin = await signupWorkspace(t);
    const { channelId, conversationIds } = await inbox(t, admin, 1);
    fake.setDefault('facebook', fake.replies.connectionDropped());
    const message = await sendAgentMessage(t, admin, conversationIds[0], 'into the void');
    const failed = await waitFor(
      async () => {
        await makeRetriesDue(t, channelId);
        const [row] = await db(t).query('SELECT * FROM messages WHERE id = $1', [message.id]);
        return row.status === 'failed' ? row : undefined;
      },
      20_000,
      'the message to fail',
    );
    expect(failed.send_attempts).toBe(5);
    expect(sendCounts([message.id])).toEqual([5]);
    expect(failed.error).toMatch(/^Facebook: could not reach the platform.*\(gave up after 5 attempts\)$/);
    expect(failed.error).not.toContain(FAKE_SECRETS.facebook.pageAccessToken);
    expect(failed.error).not.toContain('access_token');
  });
});
