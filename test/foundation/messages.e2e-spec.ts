import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createUser, signupWorkspace } from '../support/fixtures.js';
import { createInbox, insertMessages, setChannelMembers } from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const contents = (body: { items: Array<{ content: string }> }) => body.items.map((item) => item.content);

describe('messages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('pages back from the newest, oldest first within a page', async () => {
    const admin = await signupWorkspace(t);
    const inbox = await createInbox(t, admin, { messageCount: 7 });
    const url = `/api/conversations/${inbox.conversation.id}/messages`;
    const newest = await t.http().get(`${url}?limit=3`).set(admin.auth).expect(200);
    expect(contents(newest.body)).toEqual(['hello 5', 'hello 6', 'hello 7']);
    expect(newest.body.items[0]).toEqual({
      id: inbox.messages[4].id,
      conversationId: inbox.conversation.id,
      sender: 'customer',
      senderUserId: null,
      content: 'hello 5',
      attachments: [],
      sentAt: expect.any(String),
      platformMessageId: expect.any(String),
      status: 'received',
      error: null,
      clientMessageId: null,
    });
    // Newer messages arriving between pages do not disturb paging back.
    await insertMessages(t, inbox.conversation, ['late 1', 'late 2'], {
      sentAt: [new Date(Date.now() + 1), new Date(Date.now() + 2)],
    });
    const older = await t
      .http()
      .get(url)
      .query({ limit: 3, before: newest.body.nextCursor })
      .set(admin.auth)
      .expect(200);
    expect(contents(older.body)).toEqual(['hello 2', 'hello 3', 'hello 4']);
    const oldest = await t
      .http()
      .get(url)
      .query({ limit: 3, before: older.body.nextCursor })
      .set(admin.auth)
      .expect(200);
    expect(contents(oldest.body)).toEqual(['hello 1']);
    expect(oldest.body.nextCursor).toBeNull();
    const all = await t.http().get(url).set(admin.auth).expect(200);
    expect(contents(all.body)).toEqual([
      'hello 1',
      'hello 2',
      'hello 3',
      'hello 4',
      'hello 5',
      'hello 6',
      'hello 7',
      'late 1',
      'late 2',
    ]);

    await t.http().get(`${url}?limit=101`).set(admin.auth).expect(400);
    await t.http().get(`${url}?before=nonsense`).set(admin.auth).expect(400);
    await t.http().get(`${url}?cursor=x`).set(admin.auth).expect(400);
  });

  it('queues an agent reply: 202 pending, due for the sender, conversation moved to the top', async () => {
    const admin = await signupWorkspace(t);
    const first = await createInbox(t, admin);
    const second = await createInbox(t, admin);
    const before = await t.http().get('/api/conversations').set(admin.auth).expect(200);
    expect(before.body.items[0].id).toBe(second.conversation.id);

    const sent = await t
      .http()
      .post(`/api/conversations/${first.conversation.id}/messages`)
      .set(admin.auth)
      .send({ content: 'Hi there' })
      .expect(202);
    expect(sent.body).toEqual({
      id: expect.any(String),
      conversationId: first.conversation.id,
      sender: 'agent',
      senderUserId: admin.user.id,
      content: 'Hi there',
      attachments: [],
      sentAt: expect.any(String),
      platformMessageId: null,
      status: 'pending',
      error: null,
      clientMessageId: null,
    });
    // Due for the outbound sender at once (which may already have picked it up).
    const [row] = await t.app
      .get(DataSource)
      .query('SELECT next_attempt_at, send_attempts, sender_user_id FROM messages WHERE id = $1', [
        sent.body.id,
      ]);
    expect(row.next_attempt_at !== null || row.send_attempts > 0).toBe(true);
    expect(row.sender_user_id).toBe(admin.user.id);

    const after = await t.http().get('/api/conversations').set(admin.auth).expect(200);
    expect(after.body.items[0]).toMatchObject({ id: first.conversation.id, lastMessageAt: sent.body.sentAt });
    const messages = await t
      .http()
      .get(`/api/conversations/${first.conversation.id}/messages`)
      .set(admin.auth)
      .expect(200);
    expect(messages.body.items.at(-1)).toMatchObject({
      id: sent.body.id,
      content: 'Hi there',
      sender: 'agent',
    });
  });

  it('is idempotent on clientMessageId, also for concurrent POSTs', async () => {
    const admin = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    const other = await createInbox(t, admin);
    const url = `/api/conversations/${conversation.id}/messages`;

    const firstTry = await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'Once', clientMessageId: 'client-1' })
      .expect(202);
    const retry = await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'Once', clientMessageId: 'client-1' })
      .expect(202);
    expect(retry.body).toEqual(firstTry.body);
    expect(firstTry.body.clientMessageId).toBe('client-1');

    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.http().post(url).set(admin.auth).send({ content: 'Racing', clientMessageId: 'client-2' }),
      ),
    );
    for (const response of concurrent) expect(response.status).toBe(202);
    expect(new Set(concurrent.map((response) => response.body.id)).size).toBe(1);

    // The same key in another conversation is another message.
    const elsewhere = await t
      .http()
      .post(`/api/conversations/${other.conversation.id}/messages`)
      .set(admin.auth)
      .send({ content: 'Racing', clientMessageId: 'client-2' })
      .expect(202);
    expect(elsewhere.body.id).not.toBe(concurrent[0].body.id);

    const rows = await t.app
      .get(DataSource)
      .query(
        `SELECT client_message_id, count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'agent' GROUP BY 1 ORDER BY 1`,
        [conversation.id],
      );
    expect(rows).toEqual([
      { client_message_id: 'client-1', n: 1 },
      { client_message_id: 'client-2', n: 1 },
    ]);
  });

  it('validates the content: non-empty string up to 4000 characters, no unknown fields', async () => {
    const admin = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    const url = `/api/conversations/${conversation.id}/messages`;
    for (const body of [
      {},
      { content: '' },
      { content: '   ' },
      { content: 42 },
      { content: 'x'.repeat(4001) },
      { content: 'ok', status: 'sent' },
      { content: 'ok', clientMessageId: '' },
    ]) {
      await t.http().post(url).set(admin.auth).send(body).expect(400);
    }
    await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'x'.repeat(4000) })
      .expect(202);
    const count = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'agent'`, [
        conversation.id,
      ]);
    expect(count[0].n).toBe(1);
  });

  it('hides messages of channels an agent is not a member of, and of other workspaces (404)', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const other = await signupWorkspace(t);
    const mine = await createInbox(t, admin);
    const notMine = await createInbox(t, admin);
    const theirs = await createInbox(t, other);
    await setChannelMembers(t, admin, mine.channel.id, [agent.user.id]);

    await t.http().get(`/api/conversations/${mine.conversation.id}/messages`).set(agent.auth).expect(200);
    const reply = await t
      .http()
      .post(`/api/conversations/${mine.conversation.id}/messages`)
      .set(agent.auth)
      .send({ content: 'from agent' })
      .expect(202);
    expect(reply.body.senderUserId).toBe(agent.user.id);

    for (const [session, conversationId] of [
      [agent, notMine.conversation.id],
      [admin, theirs.conversation.id],
    ] as const) {
      await t.http().get(`/api/conversations/${conversationId}/messages`).set(session.auth).expect(404);
      await t
        .http()
        .post(`/api/conversations/${conversationId}/messages`)
        .set(session.auth)
        .send({ content: 'sneaky' })
        .expect(404);
    }
    const sneaky = await t.app.get(DataSource).query(`SELECT 1 FROM messages WHERE content = 'sneaky'`);
    expect(sneaky).toHaveLength(0);
    await t.http().get('/api/conversations/not-a-uuid/messages').set(admin.auth).expect(400);
    await t
      .http()
      .post('/api/conversations/not-a-uuid/messages')
      .set(admin.auth)
      .send({ content: 'x' })
      .expect(400);
  });
});
