import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { createInbox, insertMessages, setChannelMembers, type Inbox } from '../support/inbox-fixtures.js';
import { sleep } from '../support/realtime-helpers.js';
import { openSse } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { dataOf, framesOf, getConversation, listIds } from './attention-helpers.js';

describe('read state', () => {
  let t: TestApp;
  let fake: FakePlatforms;
  let admin: Session;
  let agent: Session;
  let outsider: Session;
  let inbox: Inbox;

  beforeAll(async () => {
    fake = await startFakePlatforms();
    t = await startTestApp({ env: fake.env() });
    admin = await signupWorkspace(t);
    agent = await createUser(t, admin, 'agent');
    outsider = await createUser(t, admin, 'agent');
    inbox = await createInbox(t, admin, { customerName: 'Nguyễn Thị Hoa', messageCount: 3 });
    await setChannelMembers(t, admin, inbox.channel.id, [agent.user.id]);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('counts unread customer messages per user, through receive, read and unread', async () => {
    const id = inbox.conversation.id;
    expect((await getConversation(t, agent, id)).unreadCount).toBe(3);
    expect((await getConversation(t, admin, id)).unreadCount).toBe(3);
    // GET never reads.
    expect((await getConversation(t, agent, id)).unreadCount).toBe(3);

    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({ messageId: inbox.messages[0].id }).expect(204);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(2);
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({}).expect(204);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(0);
    expect((await getConversation(t, admin, id)).unreadCount).toBe(3);

    // Never backwards through /read.
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({ messageId: inbox.messages[0].id }).expect(204);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(0);

    await insertMessages(t, inbox.conversation, ['one more', 'and another'], { sentAt: [new Date(), new Date()] });
    expect((await getConversation(t, agent, id)).unreadCount).toBe(2);

    await t.http().post(`/api/conversations/${id}/unread`).set(agent.auth).expect(204);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(1);
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).expect(204);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(0);

    // Status and assignment never mark unread.
    await t.http().patch(`/api/conversations/${id}`).set(admin.auth).send({ status: 'pending', assigneeId: agent.user.id }).expect(200);
    expect((await getConversation(t, agent, id)).unreadCount).toBe(0);
    await t.http().patch(`/api/conversations/${id}`).set(admin.auth).send({ status: 'open', assigneeId: null }).expect(200);
  });

  it('rejects bad input and hides conversations outside the channel', async () => {
    const id = inbox.conversation.id;
    const other = await createInbox(t, admin, { messageCount: 1 });
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({ messageId: other.messages[0].id }).expect(400);
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({ messageId: 'nope' }).expect(400);
    await t.http().post(`/api/conversations/${id}/read`).set(agent.auth).send({ extra: 1 }).expect(400);
    await t.http().post(`/api/conversations/not-a-uuid/read`).set(agent.auth).send({}).expect(400);
    await t.http().post(`/api/conversations/${id}/read`).set(outsider.auth).send({}).expect(404);
    await t.http().post(`/api/conversations/${id}/unread`).set(outsider.auth).expect(404);
    await t.http().get(`/api/conversations/${id}`).set(outsider.auth).expect(404);
    await t.http().get('/api/conversations?unread=maybe').set(agent.auth).expect(400);
  });

  it("moves the agent's read point to their own reply and answers waitingSince and lastMessage", async () => {
    const own = await createInbox(t, admin, { messageCount: 2 });
    await setChannelMembers(t, admin, own.channel.id, [agent.user.id]);
    const before = await getConversation(t, agent, own.conversation.id);
    expect(before.unreadCount).toBe(2);
    expect(before.waitingSince).not.toBeNull();
    expect(before.lastMessage).toMatchObject({ id: own.messages[1].id, sender: 'customer', content: 'hello 2' });
    expect(await listIds(t, agent, `waiting=true&channelId=${own.channel.id}`)).toEqual([own.conversation.id]);

    const reply = await t.http().post(`/api/conversations/${own.conversation.id}/messages`).set(agent.auth).send({ content: 'On it' }).expect(202);
    const after = await getConversation(t, agent, own.conversation.id);
    expect(after.unreadCount).toBe(0);
    expect(after.waitingSince).toBeNull();
    expect(after.lastMessage).toMatchObject({ id: reply.body.id, sender: 'agent', content: 'On it', hasAttachments: false });
    expect((await getConversation(t, admin, own.conversation.id)).unreadCount).toBe(2);
    expect(await listIds(t, agent, `waiting=true&channelId=${own.channel.id}`)).toEqual([]);
    expect(await listIds(t, agent, `waiting=false&channelId=${own.channel.id}`)).toEqual([own.conversation.id]);
  });

  it('keeps a failed reply from ending the wait, and shortens lastMessage to 200 code points', async () => {
    const failing = await createInbox(t, admin, { messageCount: 1 });
    fake.script('facebook', fake.replies.facebook.permanent());
    const long = '🙂'.repeat(250);
    await t.http().post(`/api/conversations/${failing.conversation.id}/messages`).set(admin.auth).send({ content: long }).expect(202);
    let view = await getConversation(t, admin, failing.conversation.id);
    for (let attempt = 0; attempt < 50 && view.waitingSince === null; attempt++) {
      await sleep(100);
      view = await getConversation(t, admin, failing.conversation.id);
    }
    expect(view.waitingSince).not.toBeNull();
    expect(view.lastMessage?.content).toBe('🙂'.repeat(200));
  });

  it('filters by unread and q, and counts', async () => {
    const workspace = await signupWorkspace(t);
    const colleague = await createUser(t, workspace, 'agent');
    const first = await createInbox(t, workspace, { customerName: 'Trần Văn Minh', messageCount: 2 });
    const second = await createInbox(t, workspace, { customerName: 'Lê Thu', messageCount: 1 });
    const resolved = await createInbox(t, workspace, { customerName: 'Done', messageCount: 1 });
    await insertMessages(t, second.conversation, ['Where is my ORDER_42 100%?'], { sentAt: [new Date()] });
    await t.http().patch(`/api/conversations/${resolved.conversation.id}`).set(workspace.auth).send({ status: 'resolved' }).expect(200);
    await t.http().patch(`/api/conversations/${first.conversation.id}`).set(workspace.auth).send({ assigneeId: workspace.user.id }).expect(200);
    await setChannelMembers(t, workspace, first.channel.id, [colleague.user.id]);

    expect(await listIds(t, workspace, 'q=order_42')).toEqual([second.conversation.id]);
    expect(await listIds(t, workspace, 'q=100%25')).toEqual([second.conversation.id]);
    expect(await listIds(t, workspace, 'q=_4')).toEqual([second.conversation.id]);
    expect(await listIds(t, workspace, `q=${encodeURIComponent('văn MINH')}`)).toEqual([first.conversation.id]);
    expect(await listIds(t, workspace, 'q=nobody-has-this')).toEqual([]);

    const counts = await t.http().get('/api/conversations/counts').set(workspace.auth).expect(200);
    expect(counts.body).toEqual({
      unread: 2,
      unreadMine: 1,
      unreadUnassigned: 1,
      waiting: 2,
      byChannel: { [first.channel.id]: 1, [second.channel.id]: 1 },
    });
    const colleagueCounts = await t.http().get('/api/conversations/counts').set(colleague.auth).expect(200);
    expect(colleagueCounts.body).toEqual({ unread: 1, unreadMine: 0, unreadUnassigned: 0, waiting: 1, byChannel: { [first.channel.id]: 1 } });

    await t.http().post(`/api/conversations/${second.conversation.id}/read`).set(workspace.auth).expect(204);
    expect(await listIds(t, workspace, 'unread=true&status=open')).toEqual([first.conversation.id]);
    expect(await listIds(t, workspace, 'unread=false')).toEqual([second.conversation.id]);
    const afterRead = await t.http().get('/api/conversations/counts').set(workspace.auth).expect(200);
    expect(afterRead.body).toMatchObject({ unread: 1, unreadUnassigned: 0, waiting: 2, byChannel: { [first.channel.id]: 1 } });
  });

  it('sends conversation_read only to its user: live, on resume and in GET /api/events', async () => {
    const own = await createInbox(t, admin, { messageCount: 2 });
    await setChannelMembers(t, admin, own.channel.id, [agent.user.id]);
    const agentStream = await openSse(`${t.baseUrl}/api/events/stream`, agent.auth);
    const adminStream = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
    try {
      await Promise.all([agentStream.waitFor((frames) => frames.length > 0), adminStream.waitFor((frames) => frames.length > 0)]);
      await t.http().post(`/api/conversations/${own.conversation.id}/read`).set(agent.auth).send({ messageId: own.messages[0].id }).expect(204);
      await agentStream.waitFor(() => framesOf(agentStream, 'conversation_read').length === 1);
      const [read] = framesOf(agentStream, 'conversation_read');
      expect(read.id).toMatch(/^\d+$/);
      expect(dataOf(read)).toEqual({ conversationId: own.conversation.id, unreadCount: 1, lastReadMessageId: own.messages[0].id });
      // A later event the admin does get proves the read event would have arrived by now.
      await t.http().post(`/api/conversations/${own.conversation.id}/read`).set(admin.auth).send({}).expect(204);
      await adminStream.waitFor(() => framesOf(adminStream, 'conversation_read').length === 1);
      expect(dataOf(framesOf(adminStream, 'conversation_read')[0])).toEqual({
        conversationId: own.conversation.id,
        unreadCount: 0,
        lastReadMessageId: own.messages[1].id,
      });
      expect(framesOf(agentStream, 'conversation_read')).toHaveLength(1);

      const before = String(Number(read.id) - 1);
      for (const [session, expected] of [
        [agent, [own.messages[0].id]],
        [admin, [own.messages[1].id]],
      ] as const) {
        const resumed = await openSse(`${t.baseUrl}/api/events/stream`, { ...session.auth, 'Last-Event-ID': before });
        const log = await t.http().get(`/api/events?after=${before}&types=conversation_read`).set(session.auth).expect(200);
        try {
          await resumed.waitFor(() => framesOf(resumed, 'conversation_read').length >= expected.length);
          await sleep(200);
          expect(framesOf(resumed, 'conversation_read').map((frame) => dataOf<{ lastReadMessageId: string }>(frame).lastReadMessageId)).toEqual(expected);
          expect((log.body.items as Array<{ data: { lastReadMessageId: string } }>).map((item) => item.data.lastReadMessageId)).toEqual(expected);
        } finally {
          resumed.close();
        }
      }
    } finally {
      agentStream.close();
      adminStream.close();
    }
  });
});
