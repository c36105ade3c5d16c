import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { DomainEvent, DomainEventEnvelope, DomainEventName } from '../../src/common/domain-events.js';
import { TRANSACTION_COMMITTED, type TransactionCommitted } from '../../src/database/transaction-runner.js';
import { createUser, signupWorkspace } from '../support/fixtures.js';
import { createInbox } from '../support/inbox-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const OBSERVED: DomainEventName[] = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'conversation.updated',
  'message.sent',
];

/** The outbound sender re-announces a reply after each delivery attempt; these tests watch the REST changes only. */
function fromRestChange(event: DomainEvent): boolean {
  return !(event.name === 'message.sent' && (event.data as { status: string }).status !== 'pending');
}

/**
 * Records what the app emits: `emitted` = every domain event handed to listeners inside its transaction,
 * `committed` = the events of transactions that then committed (TRANSACTION_COMMITTED).
 */
class EventRecorder {
  readonly emitted: DomainEvent[] = [];
  readonly committed: DomainEvent[] = [];
  private readonly onDomainEvent = (envelope: DomainEventEnvelope) => {
    if (fromRestChange(envelope.event)) this.emitted.push(envelope.event);
  };
  private readonly onCommitted = (committed: TransactionCommitted) => {
    this.committed.push(
      ...committed.events.filter((event) => OBSERVED.includes(event.name) && fromRestChange(event)),
    );
  };

  constructor(private readonly emitter: EventEmitter2) {
    for (const name of OBSERVED) emitter.on(name, this.onDomainEvent);
    emitter.on(TRANSACTION_COMMITTED, this.onCommitted);
  }

  clear(): void {
    this.emitted.length = 0;
    this.committed.length = 0;
  }

  stop(): void {
    for (const name of OBSERVED) this.emitter.off(name, this.onDomainEvent);
    this.emitter.off(TRANSACTION_COMMITTED, this.onCommitted);
  }
}


/** A conversation as events carry it: the REST view without the caller's own unreadCount. */
function withoutUnreadCount(body: unknown): Record<string, unknown> {
  const shared = { ...(body as Record<string, unknown>) };
  delete shared.unreadCount;
  return shared;
}

describe('domain events', () => {
  let t: TestApp;
  let recorder: EventRecorder;
  const extraListeners: Array<[string, (...args: unknown[]) => unknown]> = [];

  beforeAll(async () => {
    t = await startTestApp();
    recorder = new EventRecorder(t.app.get(EventEmitter2));
  });
  afterEach(() => {
    for (const [name, listener] of extraListeners.splice(0)) t.app.get(EventEmitter2).off(name, listener);
  });
  afterAll(async () => {
    recorder.stop();
    await t.close();
  });

  /** A listener that fails inside the transaction, after the recorder has seen the event. */
  function failOn(name: DomainEventName): void {
    const listener = () => Promise.reject(new Error(`listener of ${name} failed`));
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the TransactionRunner awaits each listener
    t.app.get(EventEmitter2).on(name, listener);
    extraListeners.push([name, listener]);
  }

  /** The event log (written in the same transaction by the realtime module) for one entity id. */
  async function loggedEvents(entityId: string): Promise<Array<{ type: string; data: { id: string } }>> {
    return t.app
      .get(DataSource)
      .query(`SELECT type, data FROM events WHERE data->>'id' = $1 ORDER BY id`, [entityId]);
  }

  it('emits customer.created, customer.updated and customer.deleted once each, with the committed data', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    recorder.clear();
    const scope = { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null };

    const created = await t
      .http()
      .post('/api/customers')
      .set(agent.auth)
      .send({ name: 'Event customer', email: 'e@example.com' })
      .expect(201);
    const updated = await t
      .http()
      .patch(`/api/customers/${created.body.id}`)
      .set(agent.auth)
      .send({ phone: '0123' })
      .expect(200);
    const fetched = await t.http().get(`/api/customers/${created.body.id}`).set(agent.auth).expect(200);
    expect(updated.body).toEqual(fetched.body);
    // A PATCH that changes nothing is no event.
    await t
      .http()
      .patch(`/api/customers/${created.body.id}`)
      .set(agent.auth)
      .send({ phone: '0123' })
      .expect(200);
    await t.http().delete(`/api/customers/${created.body.id}`).set(agent.auth).expect(204);

    const expected = [
      { name: 'customer.created', ...scope, data: created.body },
      { name: 'customer.updated', ...scope, data: fetched.body },
      { name: 'customer.deleted', ...scope, data: { id: created.body.id } },
    ];
    expect(recorder.emitted).toEqual(expected);
    expect(recorder.committed).toEqual(expected);
    expect(await loggedEvents(created.body.id)).toEqual([
      { type: 'customer_created', data: created.body },
      { type: 'customer_updated', data: fetched.body },
      { type: 'customer_deleted', data: { id: created.body.id } },
    ]);
  });

  it('emits conversation.updated once with the conversation as committed, scoped to its channel', async () => {
    const admin = await signupWorkspace(t);
    const agent = await createUser(t, admin, 'agent');
    const { conversation } = await createInbox(t, admin);
    recorder.clear();
    const patched = await t
      .http()
      .patch(`/api/conversations/${conversation.id}`)
      .set(admin.auth)
      .send({ status: 'resolved', assigneeId: agent.user.id })
      .expect(200);
    const fetched = await t.http().get(`/api/conversations/${conversation.id}`).set(admin.auth).expect(200);
    expect(patched.body).toEqual(fetched.body);
    // Events carry the conversation without the caller's own unreadCount.
    const shared = withoutUnreadCount(fetched.body);
    const expected = [
      {
        name: 'conversation.updated',
        workspaceId: admin.user.workspaceId,
        channelId: conversation.channelId,
        conversationId: conversation.id,
        data: shared,
      },
    ];
    expect(recorder.emitted).toEqual(expected);
    expect(recorder.committed).toEqual(expected);
    expect(await loggedEvents(conversation.id)).toEqual([
      { type: 'conversation_updated', data: shared },
    ]);
  });

  it('emits message.sent then conversation.updated once per reply, none for a duplicate clientMessageId', async () => {
    const admin = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    recorder.clear();
    const url = `/api/conversations/${conversation.id}/messages`;
    const [first, second] = await Promise.all([
      t.http().post(url).set(admin.auth).send({ content: 'Once only', clientMessageId: 'evt-1' }),
      t.http().post(url).set(admin.auth).send({ content: 'Once only', clientMessageId: 'evt-1' }),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).toBe(first.body.id);
    await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'Once only', clientMessageId: 'evt-1' })
      .expect(202);

    const conversationAfter = await t
      .http()
      .get(`/api/conversations/${conversation.id}`)
      .set(admin.auth)
      .expect(200);
    expect(conversationAfter.body.lastMessageAt).toBe(first.body.sentAt);
    const scope = {
      workspaceId: admin.user.workspaceId,
      channelId: conversation.channelId,
      conversationId: conversation.id,
    };
    const sharedAfter = withoutUnreadCount(conversationAfter.body);
    const expected = [
      { name: 'message.sent', ...scope, data: { ...first.body, status: 'pending' } },
      { name: 'conversation.updated', ...scope, data: sharedAfter },
    ];
    expect(recorder.emitted).toEqual(expected);
    expect(recorder.committed).toEqual(expected);
    const logged = await loggedEvents(first.body.id);
    expect(
      logged.filter(
        (event) => event.type === 'message_sent' && (event.data as { status?: string }).status === 'pending',
      ),
    ).toHaveLength(1);
    expect(logged[0]).toEqual({
      type: 'message_sent',
      data: expect.objectContaining({ id: first.body.id, status: 'pending', content: 'Once only' }),
    });
  });

  it('emits nothing when a change is rejected after loading (validation in the service)', async () => {
    const admin = await signupWorkspace(t);
    const stranger = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    recorder.clear();
    await t
      .http()
      .patch(`/api/conversations/${conversation.id}`)
      .set(admin.auth)
      .send({ status: 'resolved', assigneeId: stranger.user.id })
      .expect(400);
    expect(recorder.emitted).toEqual([]);
    expect(recorder.committed).toEqual([]);
    expect(
      (await t.http().get(`/api/conversations/${conversation.id}`).set(admin.auth).expect(200)).body.status,
    ).toBe('open');
    expect(await loggedEvents(conversation.id)).toEqual([]);
  });

  it('rolls back the change and its event when the transaction fails after emitting', async () => {
    const admin = await signupWorkspace(t);
    const created = await t
      .http()
      .post('/api/customers')
      .set(admin.auth)
      .send({ name: 'Before' })
      .expect(201);
    recorder.clear();
    failOn('customer.updated');
    const failed = await t
      .http()
      .patch(`/api/customers/${created.body.id}`)
      .set(admin.auth)
      .send({ name: 'After' })
      .expect(500);
    expect(JSON.stringify(failed.body)).not.toContain('listener');
    // Listeners inside the transaction saw it, but nothing committed: no committed event, no log row, no change.
    expect(recorder.emitted.map((event) => event.name)).toEqual(['customer.updated']);
    expect(recorder.committed).toEqual([]);
    expect(
      (await t.http().get(`/api/customers/${created.body.id}`).set(admin.auth).expect(200)).body,
    ).toEqual(created.body);
    expect((await loggedEvents(created.body.id)).map((event) => event.type)).toEqual(['customer_created']);
  });

  it('rolls back a reply and the conversation bump when emitting message.sent fails, so a retry sends it once', async () => {
    const admin = await signupWorkspace(t);
    const { conversation } = await createInbox(t, admin);
    const before = await t.http().get(`/api/conversations/${conversation.id}`).set(admin.auth).expect(200);
    const url = `/api/conversations/${conversation.id}/messages`;
    recorder.clear();
    failOn('message.sent');
    await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'Doomed', clientMessageId: 'retry-me' })
      .expect(500);
    expect(recorder.committed).toEqual([]);
    expect(
      await t.app.get(DataSource).query(`SELECT 1 FROM messages WHERE client_message_id = 'retry-me'`),
    ).toHaveLength(0);
    expect(
      (await t.http().get(`/api/conversations/${conversation.id}`).set(admin.auth).expect(200)).body,
    ).toEqual(before.body);

    for (const [name, listener] of extraListeners.splice(0)) t.app.get(EventEmitter2).off(name, listener);
    recorder.clear();
    const retried = await t
      .http()
      .post(url)
      .set(admin.auth)
      .send({ content: 'Doomed', clientMessageId: 'retry-me' })
      .expect(202);
    expect(recorder.committed.map((event) => event.name)).toEqual(['message.sent', 'conversation.updated']);
    expect(recorder.committed[0].data).toEqual({ ...retried.body, status: 'pending' });
  });
});
