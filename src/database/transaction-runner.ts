import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent, DomainEventEnvelope, DomainEventName, DomainEventPayloads, EventScope } from '../common/domain-events.js';

/** The unit of work handed to a transaction: its EntityManager, and where its domain events are recorded. */
export class Transaction {
  readonly events: DomainEvent[] = [];
  readonly afterCommit: Array<() => void> = [];

  constructor(readonly manager: EntityManager) {}

  /** Records a domain event; it is emitted inside this transaction, just before commit, in recording order. */
  emit<K extends DomainEventName>(name: K, scope: EventScope, data: DomainEventPayloads[K]): void {
    this.events.push({ name, ...scope, data });
  }

  /** Runs after a successful commit only (e.g. wake the outbound sender). */
  onCommit(callback: () => void): void {
    this.afterCommit.push(callback);
  }
}

/** Emitted (outside any transaction) after a transaction with domain events has committed. */
export const TRANSACTION_COMMITTED = 'transaction.committed';
export interface TransactionCommitted {
  events: readonly DomainEvent[];
}

/**
 * Runs a change in one database transaction and emits its domain events through @nestjs/event-emitter from
 * inside that transaction, as its last step: handlers get the transaction's EntityManager, so whatever they
 * write (the event log) commits or rolls back with the change. Emitting last keeps the event log's ordering
 * lock (see realtime/event-log.writer.ts) held only for the insert and the commit. After the commit,
 * TRANSACTION_COMMITTED is emitted with the same events, for work that must only start once the change is
 * visible (the outbound sender).
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let transaction: Transaction | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      transaction = new Transaction(manager);
      const value = await work(transaction);
      for (const event of transaction.events) {
        // Listeners run one after another and each is awaited: with emitAsync (Promise.all) a failing
        // listener would let the transaction roll back while another's query is still on its way.
        for (const listener of this.emitter.listeners(event.name)) {
          await (listener as (envelope: DomainEventEnvelope) => unknown)({ event, manager });
        }
      }
      return value;
    });
    if (transaction && transaction.events.length > 0) {
      const committed: TransactionCommitted = { events: transaction.events };
      this.emitter.emit(TRANSACTION_COMMITTED, committed);
    }
    for (const callback of transaction?.afterCommit ?? []) {
      try {
        callback();
      } catch (error) {
        this.logger.error({ err: error }, 'after-commit callback failed');
      }
    }
    return result;
  }
}
