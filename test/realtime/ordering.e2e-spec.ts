import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { DomainEventEnvelope } from '../../src/common/domain-events.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { commitCustomerCreated, customerPayload, logIds, sleep } from '../support/realtime-helpers.js';
import { openSse } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('event log order under concurrent transactions', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signupWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a transaction holding its event id open makes later writers wait: ids are visible only in commit order', async () => {
    const reader = await openSse(`${t.baseUrl}/api/events/stream`, admin.auth);
    const emitter = t.app.get(EventEmitter2);
    const held = gate();
    const reachedHold = gate();
    // Runs after the event log writer (registered at startup): T1 has inserted its event, and stays open.
    const holdT1 = async ({ event }: DomainEventEnvelope) => {
      if ((event.data as { name?: string }).name !== 'T1') return;
      reachedHold.open();
      await held.wait;
    };
    emitter.on('customer.created', holdT1 as (envelope: DomainEventEnvelope) => void, { promisify: true });
    try {
      await reader.waitFor((frames) => frames.length >= 1);
      const t1 = commitCustomerCreated(t, admin.user.workspaceId, 'T1');
      await reachedHold.wait;
      let t2Committed = false;
      const t2 = commitCustomerCreated(t, admin.user.workspaceId, 'T2').then(() => (t2Committed = true));
      await sleep(300);
      // T2 cannot take an id (and so cannot commit) while T1 holds the log's ordering lock.
      expect(t2Committed).toBe(false);
      expect(reader.events()).toHaveLength(0);
      const seenWhileHeld = await t.http().get('/api/events?after=0').set(admin.auth).expect(200);
      expect(seenWhileHeld.body.items).toHaveLength(0);
      held.open();
      await Promise.all([t1, t2]);
      await reader.waitFor(() => reader.events().length >= 2);
      const names = reader.events().map((frame) => JSON.parse(frame.data!).name);
      const ids = reader.events().map((frame) => Number(frame.id));
      expect(names).toEqual(['T1', 'T2']);
      expect(ids[1]).toBeGreaterThan(ids[0]);
    } finally {
      emitter.off('customer.created', holdT1 as (envelope: DomainEventEnvelope) => void);
      reader.close();
    }
  });

  it('a long transaction that commits later gets a larger id than one that committed meanwhile', async () => {
    const runner = t.app.get(TransactionRunner);
    const held = gate();
    const started = gate();
    const slow = runner.run(async (tx) => {
      await tx.manager.query('SELECT 1');
      started.open();
      await held.wait; // open transaction, no event id taken yet
      tx.emit('customer.created', { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null }, customerPayload('slow'));
    });
    await started.wait;
    await commitCustomerCreated(t, admin.user.workspaceId, 'fast');
    held.open();
    await slow;
    const { items } = (await t.http().get('/api/events?after=0&limit=100').set(admin.auth).expect(200)).body;
    const order = items.filter((item: { data: { name: string } }) => ['slow', 'fast'].includes(item.data.name));
    expect(order.map((item: { data: { name: string } }) => item.data.name)).toEqual(['fast', 'slow']);
  });

  it('many concurrent writers: every reader resuming anywhere sees a gap-free, strictly increasing sequence', async () => {
    const readers = await Promise.all([0, 1, 2].map(() => openSse(`${t.baseUrl}/api/events/stream`, admin.auth)));
    await Promise.all(readers.map((reader) => reader.waitFor((frames) => frames.length >= 1)));
    const before = (await logIds(t)).length;
    const writers = Array.from({ length: 40 }, (_, index) => commitCustomerCreated(t, admin.user.workspaceId, `w${index}`));
    await Promise.all(writers);
    const ids = (await logIds(t)).slice(before);
    expect(ids).toHaveLength(40);
    for (const reader of readers) {
      await reader.waitFor(() => reader.events().length >= 40);
      expect(reader.events().map((frame) => Number(frame.id))).toEqual(ids);
      reader.close();
    }
  });

  it("a transaction's events are logged together, with consecutive ids in recording order", async () => {
    const before = await logIds(t);
    const scope = { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null };
    await t.app.get(TransactionRunner).run(async (tx) => {
      for (const name of ['first', 'second', 'third']) tx.emit('customer.created', scope, customerPayload(name));
      await tx.manager.query('SELECT 1');
    });
    const ids = (await logIds(t)).slice(before.length);
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
    const rows = await t.app.get(DataSource).query<Array<{ name: string }>>(
      "SELECT data->>'name' AS name FROM events WHERE id = ANY($1::bigint[]) ORDER BY id",
      [ids],
    );
    expect(rows.map((row) => row.name)).toEqual(['first', 'second', 'third']);
  });

  it('a failed event insert rolls the change and the transaction\'s other events back', async () => {
    const before = await logIds(t);
    const database = t.app.get(DataSource);
    const workspaceName = async () =>
      (await database.query<Array<{ name: string }>>('SELECT name FROM workspaces WHERE id = $1', [admin.user.workspaceId]))[0].name;
    const nameBefore = await workspaceName();
    await expect(
      t.app.get(TransactionRunner).run(async (tx) => {
        await tx.manager.query('UPDATE workspaces SET name = $1 WHERE id = $2', ['renamed', admin.user.workspaceId]);
        tx.emit('customer.created', { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null }, customerPayload('valid'));
        // Not a uuid: the one INSERT of the batch fails.
        tx.emit('customer.created', { workspaceId: 'not-a-uuid', channelId: null, conversationId: null }, customerPayload('invalid'));
      }),
    ).rejects.toThrow();
    expect(await logIds(t)).toEqual(before);
    expect(await workspaceName()).toBe(nameBefore);
  });

  it('a rolled back transaction leaves no event', async () => {
    const before = await logIds(t);
    await expect(
      t.app.get(TransactionRunner).run(async (tx) => {
        tx.emit('customer.created', { workspaceId: admin.user.workspaceId, channelId: null, conversationId: null }, customerPayload('rolled back'));
        await tx.manager.query('SELECT 1');
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await logIds(t)).toEqual(before);
  });

  it('an event already written to the log disappears with its transaction when a later step fails', async () => {
    const emitter = t.app.get(EventEmitter2);
    const explode = ({ event }: DomainEventEnvelope) => {
      if ((event.data as { name?: string }).name === 'explode') throw new Error('late failure');
    };
    emitter.on('customer.created', explode, { promisify: true });
    const before = await logIds(t);
    try {
      await expect(commitCustomerCreated(t, admin.user.workspaceId, 'explode')).rejects.toThrow('late failure');
    } finally {
      emitter.off('customer.created', explode);
    }
    expect(await logIds(t)).toEqual(before);
  });
});
