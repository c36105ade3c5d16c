import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { ChannelRef } from '../channels/entities/platform-channel.js';
import { type EventScope, workspaceScope } from '../common/domain-events.js';
import {
  conversationReplyWindow,
  NO_MESSAGES_YET,
  toConversationView,
} from '../conversations/conversation.view.js';
import {
  ConversationsRepository,
  type ThreadConversation,
} from '../conversations/conversations.repository.js';
import { toCustomerView } from '../customers/customer.view.js';
import { CustomersRepository } from '../customers/customers.repository.js';
import type { CustomerEntity } from '../customers/entities/customer.entity.js';
import type { ConversationEntity } from '../conversations/entities/conversation.entity.js';
import { DEADLOCK_DETECTED, postgresErrorCode } from '../database/postgres-errors.js';
import { Transaction, TransactionRunner } from '../database/transaction-runner.js';
import type { MessageEntity } from '../messages/entities/message.entity.js';
import { toMessageView } from '../messages/message.view.js';
import { MessagesRepository, type InsertedInboundMessage } from '../messages/messages.repository.js';
import type {
  InboundContact,
  InboundItem,
  InboundMessage,
  InboundReceipt,
} from '../platforms/platform-adapter.js';
import { BatchCustomers } from './batch-customers.js';
import { BatchNewThreads } from './batch-new-threads.js';
import { BatchThreads } from './batch-threads.js';
import { PendingCustomerMessages, type PendingCustomerMessage } from './pending-customer-messages.js';
import { DeliveryBatcher } from './delivery-batcher.js';

/** What one group's transaction holds while it applies its deliveries. */
interface IngestBatch {
  tx: Transaction;
  threads: BatchThreads;
  customers: BatchCustomers;
  newThreads: BatchNewThreads;
  pending: PendingCustomerMessages;
}

/** The items of one delivery that belong to one known channel. */
export interface ChannelItems {
  channel: ChannelRef;
  items: InboundItem[];
}

const MAX_DEADLOCK_RETRIES = 3;
/** Platform clocks may be off, but not by a day: a later timestamp would pin its thread atop the inbox. */
const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

function messageTime(platformTime: Date | null): Date {
  const now = Date.now();
  return platformTime && platformTime.getTime() <= now + MAX_FUTURE_SKEW_MS ? platformTime : new Date(now);
}

/** The message changed the reply window's state (e.g. the customer wrote after it closed). */
function replyWindowMoved(before: ConversationEntity, after: ConversationEntity): boolean {
  const now = new Date();
  return conversationReplyWindow(before, now).state !== conversationReplyWindow(after, now).state;
}

/**
 * Applies each webhook delivery in ONE transaction with its events, in causal order: customer_created, then
 * new_conversation, then new_message (then conversation_updated when it reopened). Redeliveries and
 * concurrent duplicates are absorbed by the unique constraints: nothing stored twice, no second event.
 * Every write goes through the owning table's repository on the transaction's EntityManager.
 */
@Injectable()
export class InboundIngestionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundIngestionService.name);

  private readonly batcher = new DeliveryBatcher<ChannelItems[], void>((group) => this.applyTogether(group));

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly customers: CustomersRepository,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  /** Applies one delivery; concurrent deliveries share a transaction (see DeliveryBatcher). */
  ingest(deliveries: ChannelItems[]): Promise<void> {
    return this.batcher.submit(deliveries);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher.idle();
  }

  /** Several deliveries in one transaction, each applied whole, in order. */
  private async applyTogether(group: ChannelItems[][]): Promise<void[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (tx) => {
          const threads = await BatchThreads.lock(tx, this.conversations, group);
          const customers = await BatchCustomers.read(tx, this.customers, group, threads);
          const newThreads = await BatchNewThreads.open(
            tx,
            { customers: this.customers, conversations: this.conversations },
            group,
            threads,
            customers,
            messageTime,
          );
          const pending = new PendingCustomerMessages();
          const batch: IngestBatch = { tx, threads, customers, newThreads, pending };
          for (const deliveries of group) {
            for (const { channel, items } of deliveries) {
              for (const item of items) await this.applyInBatch(batch, channel, item);
            }
          }
          await this.insertPending(tx, threads, pending);
          return group.map(() => undefined);
        });
      } catch (error) {
        // Transactions touching the same threads in different orders: Postgres aborts one; replay it whole.
        if (postgresErrorCode(error) !== DEADLOCK_DETECTED || attempt >= MAX_DEADLOCK_RETRIES) throw error;
        this.logger.warn(`deadlock while ingesting webhook deliveries, retrying (attempt ${attempt})`);
      }
    }
  }

  /** One item of the batch: into the run of customer messages when it can join it, else one by one after it. */
  private async applyInBatch(batch: IngestBatch, channel: ChannelRef, item: InboundItem): Promise<void> {
    const { tx, threads, customers, pending } = batch;
    if (pending.take(threads, channel, item, messageTime)) return;
    if (this.takeOpenedThread(batch, channel, item)) return;
    // Anything else runs in order after the messages taken so far, so events keep their order.
    await this.insertPending(tx, threads, pending);
    if (item.kind === 'message' && item.direction === 'customer') {
      // A thread's first message (or a deleted customer's thread): its customer and conversation first, with
      // their events; the message itself then joins the next run.
      const { started, sentAt } = await this.openThread(tx, threads, customers, channel, item);
      pending.take(threads, channel, item, () => sentAt, started);
      return;
    }
    await this.apply(tx, threads, customers, channel, item);
  }

  /** The message's conversation, created (with its customer) when the thread has none; the batch holds it. */
  private async openThread(
    tx: Transaction,
    threads: BatchThreads,
    customers: BatchCustomers,
    channel: ChannelRef,
    item: InboundMessage,
  ): Promise<ThreadConversation & { started: boolean; sentAt: Date }> {
    const sentAt = messageTime(item.sentAt);
    const opened = await this.ensureConversation(tx, threads, customers, channel, item, sentAt);
    threads.set(channel, item.threadKey, { conversation: opened.conversation, customerDeleted: false });
    return { ...opened, sentAt };
  }

  /**
   * A thread's first message when the batch opened its conversation up front: its customer_created (when
   * the batch created the customer) and new_conversation are recorded in the run just before it.
   */
  private takeOpenedThread(
    { tx, threads, customers, newThreads, pending }: IngestBatch,
    channel: ChannelRef,
    item: InboundItem,
  ): boolean {
    if (item.kind !== 'message' || item.direction !== 'customer') return false;
    const opened = newThreads.take(channel, item.threadKey);
    if (!opened) return false;
    const { conversation, sentAt } = opened;
    const created = customers.takeUnannounced(channel, item.customerExternalId)
      ? customers.get(channel, item.customerExternalId)
      : null;
    pending.recordInOrder(() => {
      if (created) tx.emit('customer.created', workspaceScope(channel.workspaceId), toCustomerView(created));
      // The event commits with the thread's first message: a customer's opens the reply window already.
      tx.emit(
        'conversation.started',
        this.scope(channel, conversation.id),
        toConversationView({ ...conversation, lastCustomerMessageAt: sentAt }, NO_MESSAGES_YET),
      );
    });
    threads.set(channel, item.threadKey, { conversation, customerDeleted: false });
    return pending.take(threads, channel, item, () => sentAt, true);
  }

  /**
   * The customer messages taken so far, in one statement: their new_message events in order, each followed
   * by its conversation's conversation_updated when it reopened or the reply window moved (once per
   * conversation, with its state after all of them).
   */
  private async insertPending(
    tx: Transaction,
    threads: BatchThreads,
    pending: PendingCustomerMessages,
  ): Promise<void> {
    const entries = pending.drain();
    const taken = entries.flatMap((entry) => ('message' in entry ? [entry.message] : []));
    if (entries.length === 0) return;
    const inserted = await this.messages.insertCustomerMessagesUnlessDuplicate(
      tx.manager,
      taken.map(({ channel, item, conversation, sentAt }) => ({
        channel,
        conversationId: conversation.id,
        content: item.text,
        attachments: item.attachments,
        sentAt,
        platformMessageId: item.platformMessageId,
      })),
    );
    const announced = new Set<string>();
    let index = 0;
    for (const entry of entries) {
      if (!('message' in entry)) {
        entry.record();
        continue;
      }
      const stored = inserted[index++];
      if (!stored) continue; // a redelivery or a concurrent duplicate
      await this.announceCustomerMessage(tx, threads, entry.message, stored, announced);
    }
  }

  private async announceCustomerMessage(
    tx: Transaction,
    threads: BatchThreads,
    { channel, item, conversation, started }: PendingCustomerMessage,
    stored: InsertedInboundMessage,
    announced: Set<string>,
  ): Promise<void> {
    const scope = this.scope(channel, conversation.id);
    tx.emit('message.received', scope, toMessageView(stored.message));
    const after = { ...conversation, ...stored.conversation };
    threads.set(channel, item.threadKey, { conversation: after, customerDeleted: false });
    if (announced.has(conversation.id)) return;
    announced.add(conversation.id);
    // A new conversation's new_conversation already said that its first message opened the reply window.
    if (started) return;
    if (conversation.status === 'resolved' || replyWindowMoved(conversation, after))
      tx.emit(
        'conversation.updated',
        scope,
        toConversationView(after, await this.sharedAttention(tx, channel, after.id)),
      );
  }

  private async apply(
    tx: Transaction,
    threads: BatchThreads,
    customers: BatchCustomers,
    channel: ChannelRef,
    item: InboundItem,
  ): Promise<void> {
    switch (item.kind) {
      case 'message':
        return this.applyMessage(tx, threads, customers, channel, item);
      case 'receipt':
        return this.applyReceipt(tx, channel, item);
      case 'contact':
        return this.applyContact(tx, customers, channel, item);
      case 'ignored':
        return;
    }
  }

  private sharedAttention(tx: Transaction, channel: ChannelRef, conversationId: string) {
    return this.conversations.sharedAttention(channel.workspaceId, conversationId, tx.manager);
  }

  private async applyMessage(
    tx: Transaction,
    threads: BatchThreads,
    customers: BatchCustomers,
    channel: ChannelRef,
    item: InboundMessage,
  ): Promise<void> {
    if (item.direction === 'echo' && (await this.matchOwnEcho(tx, channel, item))) return;

    const { conversation, started, sentAt } = await this.openThread(tx, threads, customers, channel, item);
    const reopen = item.direction === 'customer';
    const inserted = await this.messages.insertInboundUnlessDuplicate(
      tx.manager,
      channel,
      {
        conversationId: conversation.id,
        sender: item.direction === 'customer' ? 'customer' : 'agent',
        content: item.text,
        attachments: item.attachments,
        sentAt,
        platformMessageId: item.platformMessageId,
        status: item.direction === 'customer' ? 'received' : 'sent',
      },
      reopen,
    );
    if (!inserted) return; // a redelivery or a concurrent duplicate
    const scope = this.scope(channel, conversation.id);
    tx.emit('message.received', scope, toMessageView(inserted.message));
    const after = { ...conversation, ...inserted.conversation };
    threads.set(channel, item.threadKey, { conversation: after, customerDeleted: false });
    // Reopening, or a customer message opening the reply window (a new thread's first message, a customer
    // writing again after it closed): clients learn the conversation's new state without a refetch.
    if (
      (reopen && conversation.status === 'resolved') ||
      (!started && replyWindowMoved(conversation, after))
    ) {
      tx.emit(
        'conversation.updated',
        scope,
        toConversationView(after, await this.sharedAttention(tx, channel, after.id)),
      );
    }
  }

  /**
   * The echo of a message we sent ourselves is matched to it: no second message, no new_message. Returns
   * true when the echo is fully handled (matched, or already stored).
   */
  private async matchOwnEcho(tx: Transaction, channel: ChannelRef, item: InboundMessage): Promise<boolean> {
    const manager = tx.manager;
    if (item.outboundMessageId) {
      const matched = await this.messages.recordEchoOnOwnMessage(
        manager,
        channel,
        item.outboundMessageId,
        item.platformMessageId,
      );
      if (matched === 'already_recorded') return true;
      if (matched) {
        if (matched.statusChanged) this.emitStatus(tx, channel, matched.message);
        return true;
      }
    }
    if (await this.messages.existsByPlatformId(manager, channel, item.platformMessageId)) return true;
    if (!item.sentThroughApi) return false;
    const found = await this.conversations.findByThread(manager, channel, item.threadKey);
    if (!found) return false;
    const inFlight = await this.messages.recordEchoOnInFlightMessage(
      manager,
      channel.workspaceId,
      found.conversation.id,
      item.text,
      item.platformMessageId,
    );
    if (!inFlight) return false;
    if (inFlight.statusChanged) this.emitStatus(tx, channel, inFlight.message);
    return true;
  }

  private async applyReceipt(tx: Transaction, channel: ChannelRef, item: InboundReceipt): Promise<void> {
    const changed =
      item.threadKey !== null
        ? await this.messages.applyReceiptByWatermark(
            tx.manager,
            channel,
            item.threadKey,
            item.watermark,
            item.platformMessageIds,
            item.status,
          )
        : await this.messages.applyReceiptByIds(tx.manager, channel, item.platformMessageIds, item.status);
    for (const message of changed) this.emitStatus(tx, channel, message);
  }

  private async applyContact(
    tx: Transaction,
    customers: BatchCustomers,
    channel: ChannelRef,
    item: InboundContact,
  ): Promise<void> {
    await this.ensureCustomer(tx, customers, channel, item);
  }

  private emitStatus(tx: Transaction, channel: ChannelRef, message: MessageEntity): void {
    tx.emit('message.sent', this.scope(channel, message.conversationId), toMessageView(message));
  }

  private async ensureConversation(
    tx: Transaction,
    threads: BatchThreads,
    customers: BatchCustomers,
    channel: ChannelRef,
    item: InboundMessage,
    sentAt: Date,
  ): Promise<ThreadConversation & { started: boolean }> {
    const existing =
      threads.get(channel, item.threadKey) ??
      (threads.lookedUp(channel, item.threadKey)
        ? null
        : await this.conversations.findByThread(tx.manager, channel, item.threadKey, true));
    if (existing && !existing.customerDeleted) return { ...existing, started: false };
    if (existing) {
      // The customer was deleted (with its identities): this message makes a new one, and the thread follows it.
      const customer = await this.ensureCustomer(tx, customers, channel, item);
      const relinked = await this.conversations.relinkToCustomer(
        tx.manager,
        channel.workspaceId,
        existing.conversation.id,
        customer,
      );
      tx.emit(
        'conversation.updated',
        this.scope(channel, relinked.id),
        toConversationView(relinked, await this.sharedAttention(tx, channel, relinked.id)),
      );
      return { conversation: relinked, customerDeleted: false, started: false };
    }
    const customer = await this.ensureCustomer(tx, customers, channel, item);
    const created = await this.conversations.insertForThreadUnlessExists(
      tx.manager,
      channel,
      item.threadKey,
      customer,
      sentAt,
    );
    if (!created) {
      const concurrent = await this.conversations.findByThread(tx.manager, channel, item.threadKey, true);
      if (!concurrent) throw new Error('conversation vanished while it was being created');
      return { ...concurrent, started: false };
    }
    // The event commits with the thread's first message: a customer's opens the reply window already.
    const firstMessage = item.direction === 'customer' ? { lastCustomerMessageAt: sentAt } : {};
    tx.emit(
      'conversation.started',
      this.scope(channel, created.id),
      toConversationView({ ...created, ...firstMessage }, NO_MESSAGES_YET),
    );
    return { conversation: created, customerDeleted: false, started: true };
  }

  private async ensureCustomer(
    tx: Transaction,
    customers: BatchCustomers,
    channel: ChannelRef,
    sender: Pick<InboundMessage, 'customerExternalId' | 'customerName'>,
  ): Promise<CustomerEntity> {
    const { customerExternalId: externalUserId, customerName: name } = sender;
    const read = customers.get(channel, externalUserId);
    const existing =
      read === undefined ? await this.customers.findByIdentity(tx.manager, channel, externalUserId) : read;
    if (existing && customers.takeUnannounced(channel, externalUserId))
      tx.emit('customer.created', workspaceScope(channel.workspaceId), toCustomerView(existing));
    if (existing) return existing;
    const created = await this.customers.createWithIdentityUnlessTaken(
      tx.manager,
      channel,
      externalUserId,
      name,
    );
    if (!created) {
      const concurrent = await this.customers.findByIdentity(tx.manager, channel, externalUserId);
      if (!concurrent) throw new Error('customer identity vanished while it was being created');
      customers.set(channel, externalUserId, concurrent);
      return concurrent;
    }
    customers.set(channel, externalUserId, created);
    tx.emit('customer.created', workspaceScope(channel.workspaceId), toCustomerView(created));
    return created;
  }

  private scope(channel: ChannelRef, conversationId: string): EventScope {
    return { workspaceId: channel.workspaceId, channelId: channel.id, conversationId };
  }
}
