import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { createInbox, insertMessages, setChannelMembers } from '../support/inbox-fixtures.js';
import { sleep } from '../support/realtime-helpers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('collision guard', () => {
  let t: TestApp;
  let fake: FakePlatforms;
  let admin: Session;
  let agent: Session;
  let colleague: Session;

  async function messageCount(conversationId: string): Promise<number> {
    const [row] = await t.app.get(DataSource).query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM messages WHERE conversation_id = $1',
      [conversationId],
    );
    return row.count;
  }

  beforeAll(async () => {
    fake = await startFakePlatforms();
    t = await startTestApp({ env: fake.env() });
    admin = await signupWorkspace(t);
    agent = await createUser(t, admin, 'agent');
    colleague = await createUser(t, admin, 'agent');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('answers 409 with the newer customer message, stores and sends nothing', async () => {
    const inbox = await createInbox(t, admin, { messageCount: 2 });
    await setChannelMembers(t, admin, inbox.channel.id, [agent.user.id]);
    const [late] = await insertMessages(t, inbox.conversation, ['wait, one more thing'], { sentAt: [new Date()] });
    const url = `/api/conversations/${inbox.conversation.id}/messages`;
    const before = await messageCount(inbox.conversation.id);
    const requestsBefore = fake.requests('facebook').length;
    const conflict = await t.http().post(url).set(agent.auth).send({ content: 'Sure!', afterMessageId: inbox.messages[1].id }).expect(409);
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.any(String),
      newMessages: [expect.objectContaining({ id: late.id, sender: 'customer', content: 'wait, one more thing' })],
    });
    await sleep(300);
    expect(await messageCount(inbox.conversation.id)).toBe(before);
    expect(fake.requests('facebook')).toHaveLength(requestsBefore);
    // Up to date: sent.
    await t.http().post(url).set(agent.auth).send({ content: 'Sure!', afterMessageId: late.id }).expect(202);
    expect(await messageCount(inbox.conversation.id)).toBe(before + 1);
  });

  it("counts a colleague's reply, not the caller's own, and needs a message of this conversation", async () => {
    const inbox = await createInbox(t, admin, { messageCount: 1 });
    await setChannelMembers(t, admin, inbox.channel.id, [agent.user.id, colleague.user.id]);
    const url = `/api/conversations/${inbox.conversation.id}/messages`;
    const seen = inbox.messages[0].id;
    const own = await t.http().post(url).set(agent.auth).send({ content: 'first', afterMessageId: seen }).expect(202);
    // The agent's own earlier reply is not a collision.
    const second = await t.http().post(url).set(agent.auth).send({ content: 'second', afterMessageId: seen }).expect(202);
    await t.http().post(url).set(colleague.auth).send({ content: 'too late', afterMessageId: own.body.id }).expect(409);
    const theirs = await t.http().post(url).set(colleague.auth).send({ content: 'I got this', afterMessageId: second.body.id }).expect(202);
    const conflict = await t.http().post(url).set(agent.auth).send({ content: 'third', afterMessageId: seen }).expect(409);
    expect((conflict.body.newMessages as Array<{ id: string }>).map((message) => message.id)).toEqual([theirs.body.id]);
    expect(conflict.body.newMessages[0]).toMatchObject({ sender: 'agent', senderUserId: colleague.user.id, content: 'I got this' });

    const elsewhere = await createInbox(t, admin, { messageCount: 1 });
    await t.http().post(url).set(agent.auth).send({ content: 'x', afterMessageId: elsewhere.messages[0].id }).expect(400);
    await t.http().post(url).set(agent.auth).send({ content: 'x', afterMessageId: 'not-an-id' }).expect(400);
    // Without afterMessageId there is no check.
    await t.http().post(url).set(agent.auth).send({ content: 'unchecked' }).expect(202);
  });

  it('decides under the conversation lock: concurrent replies after the same message, one wins', async () => {
    const inbox = await createInbox(t, admin, { messageCount: 1 });
    await setChannelMembers(t, admin, inbox.channel.id, [agent.user.id, colleague.user.id]);
    const url = `/api/conversations/${inbox.conversation.id}/messages`;
    const seen = inbox.messages[0].id;
    const statuses = await Promise.all(
      [agent, colleague, agent, colleague].map(async (session, index) => {
        const response = await t.http().post(url).set(session.auth).send({ content: `race ${index}`, afterMessageId: seen });
        return { user: session.user.id, status: response.status };
      }),
    );
    const winners = statuses.filter((entry) => entry.status === 202);
    expect(statuses.every((entry) => entry.status === 202 || entry.status === 409)).toBe(true);
    // Only one agent's replies can get through: the other's would collide with them.
    expect(new Set(winners.map((entry) => entry.user)).size).toBe(1);
  });
});
