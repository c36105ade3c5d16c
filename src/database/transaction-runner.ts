import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent, DomainEventEnvelope, DomainEventName, DomainEventPayloads, EventScope } from '../common/domain-events.js';

/** The unit of work handed to a transaction: its EntityManager, and where its domain events are recorded. */
export class Transaction {
  readonly events: DomainEvent[] = [];

  constructor(readonly manager: EntityManager) {}

  /** Records a domain event; it is emitted inside this transaction, just before commit, in recording order. */
  emit<K extends DomainEventName>(name: K, scope: EventScope, data: DomainEventPayloads[K]): void {
    this.events.push({ name, ...scope, data });
  }
}

/**
 * Emitted inside a transaction that recorded domain events, once, before the events themselves: all of them
 * with the transaction's EntityManager, for a listener that handles them together (the event log's one INSERT).
 */
export const TRANSACTION_EVENTS = 'transaction.events';
export interface TransactionEvents {
  events: readonly DomainEvent[];
  manager: EntityManager;
}

/** Emitted (outside any transaction) after a transaction with domain events has committed. */
export const TRANSACTION_COMMITTED = 'transaction.committed';
export interface TransactionCommitted {
  events: readonly DomainEvent[];
}

/**
 * Runs a change in one database transaction and emits its domain events through @nestjs/event-emitter from
 * inside that transaction, as its last step: handlers get the transaction's EntityManager, so whatever they
 * write (the event log) commits or rolls back with the change. TRANSACTION_EVENTS carries them all at once,
 * then each event is emitted under its own name, in recording order. Emitting last keeps the event log's ordering
 * lock (see realtime/event-log.writer.ts) held only for the insert and the commit. After the commit,
 * TRANSACTION_COMMITTED is emitted with the same events, for work that must only start once the change is
 * visible (the outbound sender).
 */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let transaction: Transaction | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      transaction = new Transaction(manager);
      const value = await work(transaction);
      const events = transaction.events;
      if (events.length > 0) {
        const batch: TransactionEvents = { events, manager };
        await this.callListeners(TRANSACTION_EVENTS, batch);
        for (const event of events) {
          const envelope: DomainEventEnvelope = { event, manager };
          await this.callListeners(event.name, envelope);
        }
      }
      return value;
    });
    if (transaction && transaction.events.length > 0) {
      const committed: TransactionCommitted = { events: transaction.events };
      this.emitter.emit(TRANSACTION_COMMITTED, committed);
    }
    return result;
  }

  /**
   * Calls the listeners one after another, awaiting what each returns (an @OnEvent handler returns its
   * promise; registered without promisify there is no setImmediate before it runs). With emitAsync
   * (Promise.all) a failing listener would let the transaction roll back while another's query is still on
   * its way.
   */
  private async callListeners(name: string, payload: TransactionEvents | DomainEventEnvelope): Promise<void> {
    for (const listener of this.emitter.listeners(name)) {
      await (listener as (payload: TransactionEvents | DomainEventEnvelope) => unknown)(payload);
    }
  }
}
