import { randomUUID } from 'node:crypto';
import type { DomainEventName, DomainEventPayloads } from '../../src/common/domain-events.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import type { TestApp } from './test-app.js';

export interface EmitScope {
  workspaceId: string;
  channelId?: string | null;
  conversationId?: string | null;
}

/** A customer payload that is valid on the wire, for tests that drive the event log directly. */
export function customerPayload(name: string): DomainEventPayloads['customer.created'] {
  const now = new Date().toISOString();
  return { id: randomUUID(), name, phone: null, email: null, notes: null, avatarUrl: null, identities: [], createdAt: now, updatedAt: now };
}

/** Commits one transaction with these domain events through the app's TransactionRunner (the real path). */
export async function commitEvents(
  t: TestApp,
  events: Array<{ name: DomainEventName; scope: EmitScope; data: DomainEventPayloads[DomainEventName] }>,
): Promise<void> {
  await t.app.get(TransactionRunner).run((tx) => {
    for (const event of events) {
      tx.emit(
        event.name,
        { workspaceId: event.scope.workspaceId, channelId: event.scope.channelId ?? null, conversationId: event.scope.conversationId ?? null },
        event.data,
      );
    }
    return Promise.resolve();
  });
}

export function commitCustomerCreated(t: TestApp, workspaceId: string, name: string): Promise<void> {
  return commitEvents(t, [{ name: 'customer.created', scope: { workspaceId }, data: customerPayload(name) }]);
}

/** The ids of the events in the log, in order. */
export async function logIds(t: TestApp): Promise<number[]> {
  const { DataSource } = await import('typeorm');
  const rows = await t.app.get(DataSource).query<Array<{ id: string }>>('SELECT id FROM events ORDER BY id');
  return rows.map((row) => Number(row.id));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
