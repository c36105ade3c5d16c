import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import {
  createChannel,
  createInbox,
  insertConversation,
  insertCustomer,
  setChannelMembers,
} from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

describe('conversations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function conversationAt(
    admin: Session,
    channelId: string,
    minutesAgo: number,
    status: 'open' | 'pending' | 'resolved' = 'open',
  ) {
    const customer = await insertCustomer(t, admin.user.workspaceId, { name: `customer ${minutesAgo}` });
    return insertConversation(t, {
      workspaceId: admin.user.workspaceId,
      channelId,
      customerId: customer.id,
      platform: 'facebook',
      status,
      lastMessageAt: new Date(Date.now() - minutesAgo * 60_000),
    });
  }

  it('lists newest activity first with the contract shape, and gets one', async () => {
    const admin = await signupWorkspace(t);
    const inbox = await createInbox(t, admin, { customerName: 'Hoa' });
    const older = await conversationAt(admin, inbox.channel.id, 30);
    const list = await t.http().get('/api/conversations').set(admin.auth).expect(200);
    expect(ids(list.body)).toEqual([inbox.conversation.id, older.id]);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items[0]).toEqual({
      id: inbox.conversation.id,
      channelId: inbox.channel.id,
      customerId: inbox.customer.id,
      platform: 'facebook',
      status: 'open',
      assigneeId: null,
      lastMessageAt: expect.any(String),
      createdAt: expect.any(String),
      customer: { id: inbox.customer.id, name: 'Hoa', avatarUrl: null, externalUserId: inbox.identity.externalUserId },
      lastMessage: { id: inbox.messages[2].id, sender: 'customer', content: 'hello 3', sentAt: expect.any(String), hasAttachments: false },
      unreadCount: 3,
      waitingSince: expect.any(String),
      // Its customer wrote a moment ago: Facebook's 24-hour window is open.
      replyWindow: { state: 'open', closesAt: expect.any(String), remaining: null, reason: null },
    });
    const one = await t.http().get(`/api/conversations/${inbox.conversation.id}`).set(admin.auth).expect(200);
    expect(one.body).toEqual(list.body.items[0]);
  });

  it('filters by status, channel and assignee', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const first = await createChannel(t, admin);
    const second = await createChannel(t, admin);
    const open = await conversationAt(admin, first.id, 1);
    const resolved = await conversationAt(admin, first.id, 2, 'resolved');
    const elsewhere = await conversationAt(admin, second.id, 3);
    await t
      .http()
      .patch(`/api/conversations/${elsewhere.id}`)
      .set(admin.auth)
      .send({ assigneeId: agent.user.id })
      .expect(200);

    const list = async (query: Record<string, string>) =>
      ids((await t.http().get('/api/conversations').query(query).set(admin.auth).expect(200)).body);
    expect(await list({ status: 'resolved' })).toEqual([resolved.id]);
    expect(await list({ status: 'open' })).toEqual([open.id, elsewhere.id]);
    expect(await list({ channelId: first.id })).toEqual([open.id, resolved.id]);
    expect(await list({ assigneeId: agent.user.id })).toEqual([elsewhere.id]);
    expect(await list({ channelId: first.id, status: 'open' })).toEqual([open.id]);
    await t.http().get('/api/conversations?status=closed').set(admin.auth).expect(400);
    await t.http().get('/api/conversations?channelId=nope').set(admin.auth).expect(400);
    await t.http().get('/api/conversations?limit=101').set(admin.auth).expect(400);
    await t.http().get('/api/conversations?limit=0').set(admin.auth).expect(400);
  });

  it('pages by activity without skipping or repeating while conversations are added', async () => {
    const admin = await signupWorkspace(t);
    const channel = await createChannel(t, admin);
    const expected: string[] = [];
    for (let minutesAgo = 1; minutesAgo <= 12; minutesAgo++)
      expected.push((await conversationAt(admin, channel.id, minutesAgo)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 5, cursor } : { limit: 5 };
      const response = await t.http().get('/api/conversations').query(query).set(admin.auth).expect(200);
      seen.push(...ids(response.body));
      cursor = response.body.nextCursor as string | null;
      await conversationAt(admin, channel.id, 0); // a brand-new thread arrives meanwhile
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('shows agents only conversations of their channels, on list and detail', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const mine = await createInbox(t, admin);
    const notMine = await createInbox(t, admin);
    await setChannelMembers(t, admin, mine.channel.id, [agent.user.id]);

    expect(ids((await t.http().get('/api/conversations').set(agent.auth).expect(200)).body)).toEqual([
      mine.conversation.id,
    ]);
    expect(
      (await t.http().get(`/api/conversations?channelId=${notMine.channel.id}`).set(agent.auth).expect(200))
        .body.items,
    ).toEqual([]);
    await t.http().get(`/api/conversations/${mine.conversation.id}`).set(agent.auth).expect(200);
    await t.http().get(`/api/conversations/${notMine.conversation.id}`).set(agent.auth).expect(404);
    await t
      .http()
      .patch(`/api/conversations/${notMine.conversation.id}`)
      .set(agent.auth)
      .send({ status: 'resolved' })
      .expect(404);
    await t
      .http()
      .patch(`/api/conversations/${mine.conversation.id}`)
      .set(agent.auth)
      .send({ status: 'resolved' })
      .expect(200);

    // Membership removed: the conversation disappears at once.
    await setChannelMembers(t, admin, mine.channel.id, []);
    await t.http().get(`/api/conversations/${mine.conversation.id}`).set(agent.auth).expect(404);
    expect((await t.http().get('/api/conversations').set(agent.auth).expect(200)).body.items).toEqual([]);
    expect(ids((await t.http().get('/api/conversations').set(admin.auth).expect(200)).body).sort()).toEqual(
      [mine.conversation.id, notMine.conversation.id].sort(),
    );
  });

  it('updates status and assignee (null unassigns), rejecting assignees outside the workspace', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const stranger = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    const url = `/api/conversations/${conversation.id}`;

    const assigned = await t
      .http()
      .patch(url)
      .set(admin.auth)
      .send({ status: 'pending', assigneeId: agent.user.id })
      .expect(200);
    expect(assigned.body).toMatchObject({
      id: conversation.id,
      status: 'pending',
      assigneeId: agent.user.id,
    });
    const unassigned = await t.http().patch(url).set(admin.auth).send({ assigneeId: null }).expect(200);
    expect(unassigned.body).toMatchObject({ status: 'pending', assigneeId: null });

    const bad = await t
      .http()
      .patch(url)
      .set(admin.auth)
      .send({ status: 'resolved', assigneeId: stranger.user.id })
      .expect(400);
    expect(bad.body.message).toEqual(['assigneeId must be a user of this workspace']);
    expect((await t.http().get(url).set(admin.auth).expect(200)).body).toMatchObject({
      status: 'pending',
      assigneeId: null,
    });

    const invalid = await t
      .http()
      .patch(url)
      .set(admin.auth)
      .send({ status: 'closed', assigneeId: 'x', channelId: conversation.channelId })
      .expect(400);
    const messages = (invalid.body.message as string[]).join('\n');
    expect(messages).toContain('status must be one of');
    expect(messages).toContain('assigneeId must be a UUID');
    expect(messages).toContain('property channelId should not exist');
  });

  it('hides other workspaces (404) and rejects bad ids (400)', async () => {
    const admin = await signupWorkspace(t);
    const other = await signupWorkspace(t);
    const theirs = await createInbox(t, other);
    await t.http().get(`/api/conversations/${theirs.conversation.id}`).set(admin.auth).expect(404);
    await t
      .http()
      .patch(`/api/conversations/${theirs.conversation.id}`)
      .set(admin.auth)
      .send({ status: 'resolved' })
      .expect(404);
    expect((await t.http().get('/api/conversations').set(admin.auth).expect(200)).body.items).toEqual([]);
    expect(
      (await t.http().get(`/api/conversations?channelId=${theirs.channel.id}`).set(admin.auth).expect(200))
        .body.items,
    ).toEqual([]);
    await t.http().get('/api/conversations/not-a-uuid').set(admin.auth).expect(400);
    await t.http().patch('/api/conversations/not-a-uuid').set(admin.auth).send({}).expect(400);
    await t.http().get('/api/conversations').expect(401);
  });
});
