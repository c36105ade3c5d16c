import { describe, expect, it } from '@jest/globals';
import { ConversationsRepository } from '../../src/conversations/conversations.repository.js';
import { CustomersRepository } from '../../src/customers/customers.repository.js';
import { MessagesRepository } from '../../src/messages/messages.repository.js';
import { signupWorkspace } from '../support/fixtures.js';
import {
  channelConversations,
  channelIdentities,
  channelMessages,
  db,
  uniqueId,
  waitForMessageStatus,
  workspaceEvents,
  type Loose,
} from '../platforms/platform-test-helpers.js';
import {
  channelRef,
  customerMessage,
  echo,
  ingest,
  receipt,
  lateSuccess,
  replyOnNewThread,
  statusEvents,
  useMediumApp,
} from './medium-helpers.js';

/** Inbound ingestion on the real database, called directly: rows written and events logged. */
describe('inbound ingestion (medium)', () => {
  const context = useMediumApp();

  /** The events logged in the workspace after the first `skip` (the tests share one workspace). */
  async function eventsAfter(workspaceId: string, skip: number) {
    return (await workspaceEvents(context.t, workspaceId)).slice(skip);
  }

  async function eventCount(workspaceId: string): Promise<number> {
    return (await workspaceEvents(context.t, workspaceId)).length;
  }

  async function newMessageCount(workspaceId: string, channelId: string): Promise<number> {
    const events = await workspaceEvents(context.t, workspaceId);
    return events.filter((event) => event.type === 'new_message' && event.channelId === channelId).length;
  }

  it('stores a first message with its customer, conversation and events in causal order', async () => {
    const channel = await channelRef(context, 'facebook');
    const customer = uniqueId();
    const before = await eventCount(channel.workspaceId);
    await ingest(context, channel, customerMessage(customer, { text: 'first', customerName: 'Ana' }));

    const [conversation] = await channelConversations(context.t, channel.id);
    const [message] = await channelMessages(context.t, channel.id);
    expect(message).toMatchObject({ sender: 'customer', status: 'received', content: 'first' });
    expect(conversation).toMatchObject({
      thread_key: customer,
      status: 'open',
      workspace_id: channel.workspaceId,
    });
    const events = await eventsAfter(channel.workspaceId, before);
    expect(events.map((event) => event.type)).toEqual([
      'customer_created',
      'new_conversation',
      'new_message',
    ]);
    const created = events.find((event) => event.type === 'customer_created');
    expect(created?.data).toMatchObject({
      id: conversation.customer_id,
      name: 'Ana',
      identities: [{ platform: 'facebook', channelId: channel.id, externalUserId: customer }],
    });
    const started = events.find((event) => event.type === 'new_conversation');
    expect(started?.data).toMatchObject({
      id: conversation.id,
      customer: { id: conversation.customer_id, name: 'Ana' },
    });
  });

  it('stores a redelivered or concurrently duplicated message once, with one new_message', async () => {
    const channel = await channelRef(context, 'zalo');
    const item = customerMessage(uniqueId());
    const before = await eventCount(channel.workspaceId);
    await ingest(context, channel, item);
    await ingest(context, channel, item);
    await Promise.all([ingest(context, channel, item), ingest(context, channel, item)]);

    const messages = await channelMessages(context.t, channel.id);
    expect(messages.map((message: Loose) => message.platform_message_id)).toEqual([item.platformMessageId]);
    const events = await eventsAfter(channel.workspaceId, before);
    expect(events.map((event) => event.type)).toEqual([
      'customer_created',
      'new_conversation',
      'new_message',
    ]);
  });

  it('reopens a resolved conversation on a customer message and says so once', async () => {
    const channel = await channelRef(context, 'facebook');
    const customer = uniqueId();
    await ingest(context, channel, customerMessage(customer));
    const [conversation] = await channelConversations(context.t, channel.id);
    await db(context.t).query(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [
      conversation.id,
    ]);

    const later = new Date(Date.now() + 1000);
    await ingest(context, channel, customerMessage(customer, { sentAt: later, customerName: 'Bo' }));
    const [reopened] = await channelConversations(context.t, channel.id);
    expect(reopened.status).toBe('open');
    expect(reopened.last_message_at.getTime()).toBe(later.getTime());
    const updates = (await eventsAfter(channel.workspaceId, 0)).filter(
      (event) => event.type === 'conversation_updated' && event.conversationId === conversation.id,
    );
    expect(updates.map((event) => event.data.status)).toEqual(['open']);
    expect(updates[0].data).toMatchObject({ id: conversation.id, lastMessageAt: later.toISOString() });
  });

  it('inserts a run of customer messages together: in order, repeats once, one reopen event per conversation', async () => {
    const channel = await channelRef(context, 'facebook');
    const [ana, bo] = [uniqueId(), uniqueId()];
    const first = customerMessage(bo);
    await ingest(context, channel, customerMessage(ana));
    await ingest(context, channel, first);
    const conversationOf = async (customer: string) =>
      (await channelConversations(context.t, channel.id)).find((row: Loose) => row.thread_key === customer);
    const anaConversation = await conversationOf(ana);
    await db(context.t).query(`UPDATE conversations SET status = 'resolved' WHERE id = $1`, [
      anaConversation.id,
    ]);
    const before = await eventCount(channel.workspaceId);

    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
    const ana1 = customerMessage(ana, { text: 'ana 1', sentAt: at(1) });
    const bo1 = customerMessage(bo, { text: 'bo 1', sentAt: at(2) });
    const ana2 = customerMessage(ana, { text: 'ana 2', sentAt: at(3) });
    await ingest(context, channel, ana1, bo1, ana1, first, ana2);

    const texts = (await channelMessages(context.t, channel.id)).map((row: Loose) => row.content);
    expect(texts.filter((text: string) => text !== 'hello').sort()).toEqual(['ana 1', 'ana 2', 'bo 1']);
    expect(texts).toHaveLength(5);
    const events = await eventsAfter(channel.workspaceId, before);
    expect(events.map((event) => [event.type, event.data.content ?? event.data.status])).toEqual([
      ['new_message', 'ana 1'],
      ['conversation_updated', 'open'],
      ['new_message', 'bo 1'],
      ['new_message', 'ana 2'],
    ]);
    expect(events[1].data).toMatchObject({
      id: anaConversation.id,
      lastMessageAt: ana2.sentAt!.toISOString(),
    });
    const reopened = await conversationOf(ana);
    expect(reopened).toMatchObject({ status: 'open', agent_messages_since_customer: 0 });
    expect(reopened.last_message_at.getTime()).toBe(ana2.sentAt!.getTime());
    expect(reopened.last_customer_message_at.getTime()).toBe(ana2.sentAt!.getTime());
    expect((await conversationOf(bo)).last_message_at.getTime()).toBe(bo1.sentAt!.getTime());
  });

  it('opens a batch of new threads together, each one’s events in causal order where its first item stood', async () => {
    const channel = await channelRef(context, 'zalo');
    const [ana, bo, chi] = [uniqueId(), uniqueId(), uniqueId()];
    const before = await eventCount(channel.workspaceId);
    const contact = { kind: 'contact' as const, customerExternalId: chi, customerName: 'Chi' };
    await Promise.all([
      ingest(
        context,
        channel,
        customerMessage(ana, { text: 'ana 1', customerName: 'Ana' }),
        customerMessage(bo, { text: 'bo 1' }),
        customerMessage(ana, { text: 'ana 2' }),
      ),
      ingest(context, channel, customerMessage(bo, { text: 'bo 2' })),
    ]);
    await ingest(context, channel, contact, customerMessage(chi, { text: 'chi 1' }));

    const events = await eventsAfter(channel.workspaceId, before);
    const summary = events.map((event) =>
      event.type === 'new_message'
        ? `message ${event.data.content}`
        : `${event.type} ${event.data.name ?? event.data.customer?.name ?? ''}`.trim(),
    );
    expect(summary).toEqual([
      'customer_created Ana',
      'new_conversation Ana',
      'message ana 1',
      'customer_created',
      'new_conversation',
      'message bo 1',
      'message ana 2',
      'message bo 2',
      'customer_created Chi',
      'new_conversation Chi',
      'message chi 1',
    ]);
    const conversations = await channelConversations(context.t, channel.id);
    expect(conversations.map((row: Loose) => row.thread_key).sort()).toEqual([ana, bo, chi].sort());
    expect(await channelIdentities(context.t, channel.id)).toHaveLength(3);
  });

  it('stores the echo of a message sent from elsewhere as a sent agent message', async () => {
    const channel = await channelRef(context, 'facebook');
    const customer = uniqueId();
    await ingest(context, channel, customerMessage(customer));
    const item = echo(customer, { text: 'answered in the page inbox' });
    await ingest(context, channel, item);

    const messages = await channelMessages(context.t, channel.id);
    expect(
      messages.map((message: Loose) => [message.sender, message.status, message.sender_user_id]),
    ).toEqual([
      ['customer', 'received', null],
      ['agent', 'sent', null],
    ]);
    expect(messages[1].platform_message_id).toBe(item.platformMessageId);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).filter(
      (event) => event.channelId === channel.id,
    );
    const newMessages = events.filter((event) => event.type === 'new_message');
    expect(newMessages.map((event) => [event.data.sender, event.data.content])).toEqual([
      ['customer', 'hello'],
      ['agent', 'answered in the page inbox'],
    ]);
  });

  it('matches the echo of our own message by its id: no second message, one sent event', async () => {
    const { t } = context;
    // The send answer comes late, so the echo is recorded while the message is still in flight.
    const { channel, customer, messageId } = await replyOnNewThread(
      context,
      'facebook',
      'our reply',
      lateSuccess(context, 'facebook'),
    );
    const ownEcho = echo(customer, {
      platformMessageId: 'm_echoed',
      outboundMessageId: messageId,
      text: 'our reply',
    });

    await ingest(context, channel, ownEcho);
    const row = await waitForMessageStatus(t, messageId, ['sent']);
    expect(row.platform_message_id).toBe('m_echoed');
    await ingest(context, channel, ownEcho); // a redelivered echo changes nothing
    // The late send answer finds the message no longer pending and records nothing.
    await new Promise((resolve) => setTimeout(resolve, 900));

    const messages = await channelMessages(t, channel.id);
    expect(
      messages.map((message: Loose) => [message.sender, message.status, message.platform_message_id]),
    ).toEqual([
      ['customer', 'received', messages[0].platform_message_id],
      ['agent', 'sent', 'm_echoed'],
    ]);
    expect(await newMessageCount(channel.workspaceId, channel.id)).toBe(1);
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending', 'sent']);
  });

  it('matches an API echo without our id to the in-flight message with the same text', async () => {
    const { t } = context;
    const { channel, customer, messageId } = await replyOnNewThread(
      context,
      'zalo',
      'in flight',
      lateSuccess(context, 'zalo'),
    );

    await ingest(
      context,
      channel,
      echo(customer, { platformMessageId: 'zmsg_echoed', text: 'in flight', sentThroughApi: true }),
    );
    await new Promise((resolve) => setTimeout(resolve, 900));

    const messages = await channelMessages(t, channel.id);
    expect(messages.map((message: Loose) => [message.id, message.sender, message.status])).toEqual([
      [messages[0].id, 'customer', 'received'],
      [messageId, 'agent', 'sent'],
    ]);
    expect(messages[1].platform_message_id).toBe('zmsg_echoed');
    expect(await newMessageCount(channel.workspaceId, channel.id)).toBe(1);
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending', 'sent']);
  });

  it('applies receipts by platform ids forward only, one event per changed message in sent order', async () => {
    const channel = await channelRef(context, 'zalo');
    const customer = uniqueId();
    await ingest(context, channel, customerMessage(customer));
    const base = Date.now() - 60_000;
    const first = echo(customer, { platformMessageId: 'z_first', sentAt: new Date(base) });
    const second = echo(customer, { platformMessageId: 'z_second', sentAt: new Date(base + 1000) });
    await ingest(context, channel, second, first);
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;

    await ingest(context, channel, receipt({ status: 'delivered', platformMessageIds: ['z_first'] }));
    await ingest(context, channel, receipt({ status: 'read', platformMessageIds: ['z_second', 'z_first'] }));
    // A late delivery receipt never moves a read message back.
    await ingest(
      context,
      channel,
      receipt({ status: 'delivered', platformMessageIds: ['z_first', 'z_second'] }),
    );

    const statuses = await db(context.t).query(
      `SELECT platform_message_id, status FROM messages WHERE channel_id = $1 AND sender = 'agent' ORDER BY sent_at`,
      [channel.id],
    );
    expect(statuses).toEqual([
      { platform_message_id: 'z_first', status: 'read' },
      { platform_message_id: 'z_second', status: 'read' },
    ]);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
    expect(events.map((event) => [event.type, event.data.platformMessageId, event.data.status])).toEqual([
      ['message_sent', 'z_first', 'delivered'],
      ['message_sent', 'z_first', 'read'],
      ['message_sent', 'z_second', 'read'],
    ]);
  });

  it('applies a watermark receipt to the thread messages sent up to it, plus the ids it names', async () => {
    const channel = await channelRef(context, 'facebook');
    const customer = uniqueId();
    const other = uniqueId();
    await ingest(context, channel, customerMessage(customer), customerMessage(other));
    const base = Date.now() - 60_000;
    await ingest(
      context,
      channel,
      echo(customer, { platformMessageId: 'w_old', sentAt: new Date(base) }),
      echo(customer, { platformMessageId: 'w_new', sentAt: new Date(base + 10_000) }),
      echo(customer, { platformMessageId: 'w_named', sentAt: new Date(base + 20_000) }),
      echo(other, { platformMessageId: 'w_other_thread', sentAt: new Date(base) }),
    );
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;

    await ingest(
      context,
      channel,
      receipt({
        status: 'read',
        threadKey: customer,
        watermark: new Date(base + 5000),
        platformMessageIds: ['w_named'],
      }),
    );

    const rows = await db(context.t).query(
      `SELECT platform_message_id, status FROM messages WHERE channel_id = $1 AND sender = 'agent' ORDER BY platform_message_id`,
      [channel.id],
    );
    expect(rows).toEqual([
      { platform_message_id: 'w_named', status: 'read' },
      { platform_message_id: 'w_new', status: 'sent' },
      { platform_message_id: 'w_old', status: 'read' },
      { platform_message_id: 'w_other_thread', status: 'sent' },
    ]);
    const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
    expect(events.map((event) => [event.type, event.data.platformMessageId])).toEqual([
      ['message_sent', 'w_old'],
      ['message_sent', 'w_named'],
    ]);
  });

  it('relinks a thread to a new customer after its customer was deleted', async () => {
    const { t, admin } = context;
    const channel = await channelRef(context, 'facebook');
    const customer = uniqueId();
    await ingest(context, channel, customerMessage(customer, { customerName: 'Old' }));
    const [conversation] = await channelConversations(t, channel.id);
    await t.http().delete(`/api/customers/${conversation.customer_id}`).set(admin.auth).expect(204);
    expect(await channelIdentities(t, channel.id)).toEqual([]);
    const before = (await workspaceEvents(t, channel.workspaceId)).length;

    await ingest(context, channel, customerMessage(customer, { customerName: 'New', text: 'back again' }));

    const conversations = await channelConversations(t, channel.id);
    expect(conversations.map((row: Loose) => row.id)).toEqual([conversation.id]);
    const threadCustomerId = conversations[0].customer_id;
    expect(threadCustomerId).not.toBe(conversation.customer_id);
    const identities = await channelIdentities(t, channel.id);
    expect(identities.map((row: Loose) => [row.customer_id, row.external_user_id])).toEqual([
      [threadCustomerId, customer],
    ]);
    const [created] = await db(t).query('SELECT name, deleted_at FROM customers WHERE id = $1', [
      threadCustomerId,
    ]);
    expect(created).toEqual({ name: 'New', deleted_at: null });
    const events = (await workspaceEvents(t, channel.workspaceId)).slice(before);
    expect(events.map((event) => event.type)).toEqual([
      'customer_created',
      'conversation_updated',
      'new_message',
    ]);
    expect(events[1].data).toMatchObject({
      id: conversation.id,
      customerId: threadCustomerId,
      customer: { id: threadCustomerId, name: 'New' },
    });
    expect(events[2].data).toMatchObject({ conversationId: conversation.id, content: 'back again' });
  });

  it('never touches another workspace’s rows when given its ids with the wrong workspace', async () => {
    const { t } = context;
    const channel = await channelRef(context, 'zalo');
    const customer = uniqueId();
    await ingest(
      context,
      channel,
      customerMessage(customer),
      echo(customer, { platformMessageId: 'scoped' }),
    );
    const [conversation] = await channelConversations(t, channel.id);
    const stranger = await signupWorkspace(t, 'Another workspace');
    const wrongScope = { ...channel, workspaceId: stranger.user.workspaceId };
    const manager = db(t).manager;
    const threadCustomer = await t.app.get(CustomersRepository).findByIdentity(manager, channel, customer);
    if (!threadCustomer) throw new Error('the customer was not created');

    const messages = t.app.get(MessagesRepository);
    expect(await messages.applyReceiptByIds(manager, wrongScope, ['scoped'], 'read')).toEqual([]);
    expect(await messages.existsByPlatformId(manager, wrongScope, 'scoped')).toBe(false);
    expect(await t.app.get(ConversationsRepository).findByThread(manager, wrongScope, customer)).toBeNull();
    expect(await t.app.get(CustomersRepository).findByIdentity(manager, wrongScope, customer)).toBeNull();
    await expect(
      t.app
        .get(ConversationsRepository)
        .relinkToCustomer(manager, stranger.user.workspaceId, conversation.id, threadCustomer),
    ).rejects.toThrow('not in this workspace');

    const [row] = await db(t).query(`SELECT status FROM messages WHERE platform_message_id = 'scoped'`);
    expect(row.status).toBe('sent');
    // The same call with the right workspace does apply.
    expect(
      (await messages.applyReceiptByIds(manager, channel, ['scoped'], 'read')).map(
        (message) => message.status,
      ),
    ).toEqual(['read']);
  });
});
