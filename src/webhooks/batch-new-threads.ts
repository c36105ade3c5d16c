import type { ChannelRef } from '../channels/entities/platform-channel.js';
import type { ConversationsRepository } from '../conversations/conversations.repository.js';
import type { ConversationEntity } from '../conversations/entities/conversation.entity.js';
import type { CustomersRepository } from '../customers/customers.repository.js';
import type { CustomerEntity } from '../customers/entities/customer.entity.js';
import type { Transaction } from '../database/transaction-runner.js';
import type { InboundMessage } from '../platforms/platform-adapter.js';
import type { BatchCustomers } from './batch-customers.js';
import type { BatchThreads } from './batch-threads.js';
import type { ChannelItems } from './inbound-ingestion.service.js';

const key = (channelId: string, part: string): string => `${channelId}\u0000${part}`;

/** A conversation this batch opened ahead of its first message, with that message's time. */
export interface OpenedThread {
  conversation: ConversationEntity;
  sentAt: Date;
}

interface Opening {
  channel: ChannelRef;
  item: InboundMessage;
  sentAt: Date;
}

/**
 * The conversations (and missing customers) of a batch's new threads, created in two statements when the
 * batch starts instead of two per thread: the threads its customer messages write to that the opening query
 * found no conversation for. Events are not recorded here: the thread's first message records
 * customer_created and new_conversation in its place. A thread whose identity or conversation another
 * transaction created first is left out, for the one-by-one path to settle as before.
 */
export class BatchNewThreads {
  private readonly opened = new Map<string, OpenedThread>();

  static async open(
    tx: Transaction,
    repositories: { customers: CustomersRepository; conversations: ConversationsRepository },
    group: ReadonlyArray<ChannelItems[]>,
    threads: BatchThreads,
    customers: BatchCustomers,
    timeOf: (sentAt: Date | null) => Date,
  ): Promise<BatchNewThreads> {
    // Only threads whose first message in the batch is the customer's: an echo first goes one by one.
    // A sender that also comes as a contact is created by whichever item is first, one by one.
    const openings = new Map<string, Opening>();
    const seen = new Set<string>();
    const contacts = new Set<string>();
    for (const deliveries of group)
      for (const { channel, items } of deliveries)
        for (const item of items) {
          if (item.kind === 'contact') contacts.add(key(channel.id, item.customerExternalId));
          if (item.kind !== 'message' || threads.get(channel, item.threadKey)) continue;
          const thread = key(channel.id, item.threadKey);
          if (seen.has(thread)) continue;
          seen.add(thread);
          if (item.direction === 'customer')
            openings.set(thread, { channel, item, sentAt: timeOf(item.sentAt) });
        }
    const batch = new BatchNewThreads();
    if (openings.size === 0) return batch;

    const senders = new Map<string, { channel: ChannelRef; externalUserId: string; name: string | null }>();
    for (const { channel, item } of openings.values()) {
      const sender = key(channel.id, item.customerExternalId);
      if (
        customers.get(channel, item.customerExternalId) === null &&
        !senders.has(sender) &&
        !contacts.has(sender)
      )
        senders.set(sender, { channel, externalUserId: item.customerExternalId, name: item.customerName });
    }
    const wanted = [...senders.values()];
    const created = await repositories.customers.createManyWithIdentitiesUnlessTaken(tx.manager, wanted);
    wanted.forEach((sender, index) => {
      const customer = created[index];
      if (customer) customers.setCreated(sender.channel, sender.externalUserId, customer);
    });

    const ready: Array<Opening & { customer: CustomerEntity }> = [];
    for (const opening of openings.values()) {
      const customer = customers.get(opening.channel, opening.item.customerExternalId);
      if (customer) ready.push({ ...opening, customer });
    }
    const conversations = await repositories.conversations.insertManyForThreadsUnlessExist(
      tx.manager,
      ready.map(({ channel, item, customer, sentAt }) => ({
        channel,
        threadKey: item.threadKey,
        customer,
        lastMessageAt: sentAt,
      })),
    );
    ready.forEach(({ channel, item, sentAt }, index) => {
      const conversation = conversations[index];
      if (conversation) batch.opened.set(key(channel.id, item.threadKey), { conversation, sentAt });
    });
    return batch;
  }

  /** The conversation opened for this thread, once: for its first message. */
  take(channel: ChannelRef, threadKey: string): OpenedThread | undefined {
    const thread = key(channel.id, threadKey);
    const opened = this.opened.get(thread);
    this.opened.delete(thread);
    return opened;
  }
}
