import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { EventScope } from '../common/domain-events.js';
import { toConversationView } from '../conversations/conversation.view.js';
import { toCustomerView } from '../customers/customer.view.js';
import { Transaction, TransactionRunner } from '../database/transaction-runner.js';
import { toMessageView } from '../messages/message.view.js';
import {
  conversationFromRow,
  customerFromRow,
  DEADLOCK_DETECTED,
  messageFromRow,
  postgresErrorCode,
  type MessageRow,
} from '../platforms/inbox-rows.js';
import type {
  InboundContact,
  InboundItem,
  InboundMessage,
  InboundReceipt,
} from '../platforms/platform-adapter.js';
import { DeliveryBatcher } from './delivery-batcher.js';
import { InboundRepository, type ChannelRef, type FoundConversation } from './inbound.repository.js';

/** The items of one delivery that belong to one known channel. */
export interface ChannelItems {
  channel: ChannelRef;
  items: InboundItem[];
}

export interface IngestSummary {
  stored: number;
  duplicates: number;
  statusChanges: number;
}

const MAX_DEADLOCK_RETRIES = 3;
/** Platform clocks may be off, but not by a day: a later timestamp would pin its thread atop the inbox. */
const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

function messageTime(platformTime: Date | null): Date {
  const now = Date.now();
  return platformTime && platformTime.getTime() <= now + MAX_FUTURE_SKEW_MS ? platformTime : new Date(now);
}

/**
 * Applies each webhook delivery in ONE transaction with its events, in causal order: customer_created, then
 * new_conversation, then new_message (then conversation_updated when it reopened). Redeliveries and
 * concurrent duplicates are absorbed by the unique constraints: nothing stored twice, no second event.
 */
@Injectable()
export class InboundIngestionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundIngestionService.name);

  private readonly batcher = new DeliveryBatcher<ChannelItems[], IngestSummary>((group) =>
    this.applyTogether(group),
  );

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: InboundRepository,
  ) {}

  /** Applies one delivery; concurrent deliveries share a transaction (see DeliveryBatcher). */
  ingest(deliveries: ChannelItems[]): Promise<IngestSummary> {
    return this.batcher.submit(deliveries);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher.idle();
  }

  /** Several deliveries in one transaction, each applied whole, in order. */
  private async applyTogether(group: ChannelItems[][]): Promise<IngestSummary[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(async (tx) => {
          const summaries: IngestSummary[] = [];
          for (const deliveries of group) {
            const summary: IngestSummary = { stored: 0, duplicates: 0, statusChanges: 0 };
            for (const { channel, items } of deliveries) {
              for (const item of items) await this.apply(tx, channel, item, summary);
            }
            summaries.push(summary);
          }
          return summaries;
        });
      } catch (error) {
        // Transactions touching the same threads in different orders: Postgres aborts one; replay it whole.
        if (postgresErrorCode(error) !== DEADLOCK_DETECTED || attempt >= MAX_DEADLOCK_RETRIES) throw error;
        this.logger.warn(`deadlock while ingesting webhook deliveries, retrying (attempt ${attempt})`);
      }
    }
  }

  private async apply(
    tx: Transaction,
    channel: ChannelRef,
    item: InboundItem,
    summary: IngestSummary,
  ): Promise<void> {
    switch (item.kind) {
      case 'message':
        return this.applyMessage(tx, channel, item, summary);
      case 'receipt':
        return this.applyReceipt(tx, channel, item, summary);
      case 'contact':
        return this.applyContact(tx, channel, item);
      case 'ignored':
        return;
    }
  }

  private async applyMessage(
    tx: Transaction,
    channel: ChannelRef,
    item: InboundMessage,
    summary: IngestSummary,
  ): Promise<void> {
    const manager = tx.manager;
    if (item.direction === 'echo' && (await this.matchOwnEcho(tx, channel, item, summary))) return;

    const sentAt = messageTime(item.sentAt);
    const conversation = await this.ensureConversation(tx, channel, item, sentAt);
    const reopen = item.direction === 'customer';
    const inserted = await this.repository.insertMessage(
      manager,
      channel,
      {
        conversationId: conversation.row.id,
        sender: item.direction === 'customer' ? 'customer' : 'agent',
        content: item.text,
        attachments: item.attachments,
        sentAt,
        platformMessageId: item.platformMessageId,
        status: item.direction === 'customer' ? 'received' : 'sent',
      },
      reopen,
    );
    if (!inserted) {
      summary.duplicates++;
      return;
    }
    summary.stored++;
    const scope = this.scope(channel, conversation.row.id);
    tx.emit('message.received', scope, toMessageView(messageFromRow(inserted.message)));
    if (reopen && conversation.row.status === 'resolved') {
      const reopened = conversationFromRow(
        { ...conversation.row, ...inserted.conversation },
        conversation.customerName,
      );
      tx.emit('conversation.updated', scope, toConversationView(reopened));
    }
  }

  /**
   * The echo of a message we sent ourselves is matched to it: no second message, no new_message. Returns
   * true when the echo is fully handled (matched, or already stored).
   */
  private async matchOwnEcho(
    tx: Transaction,
    channel: ChannelRef,
    item: InboundMessage,
    summary: IngestSummary,
  ): Promise<boolean> {
    const manager = tx.manager;
    if (item.outboundMessageId) {
      const matched = await this.repository.recordEchoOnOwnMessage(
        manager,
        channel.id,
        item.outboundMessageId,
        item.platformMessageId,
      );
      if (matched === 'already_recorded') {
        summary.duplicates++;
        return true;
      }
      if (matched) {
        if (matched.statusChanged) this.emitStatus(tx, channel, matched.row, summary);
        return true;
      }
    }
    if (await this.repository.messageExists(manager, channel.id, item.platformMessageId)) {
      summary.duplicates++;
      return true;
    }
    if (!item.sentThroughApi) return false;
    const conversation = await this.repository.findConversation(manager, channel.id, item.threadKey);
    if (!conversation) return false;
    const inFlight = await this.repository.recordEchoOnInFlightMessage(
      manager,
      conversation.row.id,
      item.text,
      item.platformMessageId,
    );
    if (!inFlight) return false;
    this.emitStatus(tx, channel, inFlight, summary);
    return true;
  }

  private async applyReceipt(
    tx: Transaction,
    channel: ChannelRef,
    item: InboundReceipt,
    summary: IngestSummary,
  ): Promise<void> {
    const rows =
      item.threadKey !== null
        ? await this.repository.applyReceiptByWatermark(
            tx.manager,
            channel.id,
            item.threadKey,
            item.watermark,
            item.platformMessageIds,
            item.status,
          )
        : await this.repository.applyReceiptByIds(
            tx.manager,
            channel.id,
            item.platformMessageIds,
            item.status,
          );
    rows.sort(
      (a, b) => a.sent_at.getTime() - b.sent_at.getTime() || a.created_at.getTime() - b.created_at.getTime(),
    );
    for (const row of rows) this.emitStatus(tx, channel, row, summary);
  }

  private async applyContact(tx: Transaction, channel: ChannelRef, item: InboundContact): Promise<void> {
    await this.ensureCustomer(tx, channel, item.customerExternalId, item.customerName);
  }

  private emitStatus(tx: Transaction, channel: ChannelRef, row: MessageRow, summary: IngestSummary): void {
    summary.statusChanges++;
    tx.emit('message.sent', this.scope(channel, row.conversation_id), toMessageView(messageFromRow(row)));
  }

  private async ensureConversation(
    tx: Transaction,
    channel: ChannelRef,
    item: InboundMessage,
    sentAt: Date,
  ): Promise<FoundConversation> {
    const existing = await this.repository.findConversation(tx.manager, channel.id, item.threadKey, true);
    if (existing && !existing.customerDeleted) return existing;
    if (existing) {
      // The customer was deleted (with its identities): this message makes a new one, and the thread follows it.
      const customer = await this.ensureCustomer(tx, channel, item.customerExternalId, item.customerName);
      const relinked = await this.repository.relinkConversation(tx.manager, existing.row.id, customer.id);
      tx.emit(
        'conversation.updated',
        this.scope(channel, relinked.id),
        toConversationView(conversationFromRow(relinked, customer.name)),
      );
      return { row: relinked, customerName: customer.name, customerDeleted: false };
    }
    const customer = await this.ensureCustomer(tx, channel, item.customerExternalId, item.customerName);
    const created = await this.repository.insertConversation(
      tx.manager,
      channel,
      item.threadKey,
      customer.id,
      sentAt,
    );
    if (!created) {
      const concurrent = await this.repository.findConversation(tx.manager, channel.id, item.threadKey, true);
      if (!concurrent) throw new Error('conversation vanished while it was being created');
      return concurrent;
    }
    tx.emit(
      'conversation.started',
      this.scope(channel, created.id),
      toConversationView(conversationFromRow(created, customer.name)),
    );
    return { row: created, customerName: customer.name, customerDeleted: false };
  }

  private async ensureCustomer(
    tx: Transaction,
    channel: ChannelRef,
    externalUserId: string,
    name: string | null,
  ): Promise<{ id: string; name: string | null }> {
    const existing = await this.repository.findCustomerByIdentity(tx.manager, channel.id, externalUserId);
    if (existing) return existing;
    const created = await this.repository.createCustomerWithIdentity(
      tx.manager,
      channel,
      externalUserId,
      name,
    );
    if (!created) {
      const concurrent = await this.repository.findCustomerByIdentity(tx.manager, channel.id, externalUserId);
      if (!concurrent) throw new Error('customer identity vanished while it was being created');
      return concurrent;
    }
    const scope: EventScope = { workspaceId: channel.workspaceId, channelId: null, conversationId: null };
    tx.emit('customer.created', scope, toCustomerView(customerFromRow(created.customer, [created.identity])));
    return created.customer;
  }

  private scope(channel: ChannelRef, conversationId: string): EventScope {
    return { workspaceId: channel.workspaceId, channelId: channel.id, conversationId };
  }
}
