import type { ChannelRef } from '../channels/entities/platform-channel.js';
import type { CustomersRepository } from '../customers/customers.repository.js';
import type { CustomerEntity } from '../customers/entities/customer.entity.js';
import type { Transaction } from '../database/transaction-runner.js';
import type { BatchThreads } from './batch-threads.js';
import type { ChannelItems } from './inbound-ingestion.service.js';

const identityId = (channelId: string, externalUserId: string): string =>
  `${channelId}\u0000${externalUserId}`;

/**
 * The customers a batch may need, read in ONE query when it starts: the senders of messages on threads the
 * batch found no conversation for, and contacts. Kept current as the batch creates customers. An identity
 * another transaction creates meanwhile is caught by its unique constraint when this batch tries to create it.
 */
export class BatchCustomers {
  /** A customer found or created; null: looked for, none exists. */
  private readonly known = new Map<string, CustomerEntity | null>();
  /** Created by this batch, customer_created not recorded yet. */
  private readonly unannounced = new Set<string>();

  static async read(
    tx: Transaction,
    customers: CustomersRepository,
    group: ReadonlyArray<ChannelItems[]>,
    threads: BatchThreads,
  ): Promise<BatchCustomers> {
    const wanted = new Map<string, { channel: ChannelRef; externalUserId: string }>();
    const want = (channel: ChannelRef, externalUserId: string): void =>
      void wanted.set(identityId(channel.id, externalUserId), { channel, externalUserId });
    for (const deliveries of group)
      for (const { channel, items } of deliveries)
        for (const item of items) {
          if (item.kind === 'contact') want(channel, item.customerExternalId);
          else if (item.kind === 'message' && !threads.get(channel, item.threadKey))
            want(channel, item.customerExternalId);
        }
    const batch = new BatchCustomers();
    for (const id of wanted.keys()) batch.known.set(id, null);
    for (const found of await customers.findByIdentities(tx.manager, [...wanted.values()]))
      batch.known.set(identityId(found.channelId, found.externalUserId), found.customer);
    return batch;
  }

  /** The customer, null when none exists, undefined when it was not looked for. */
  get(channel: ChannelRef, externalUserId: string): CustomerEntity | null | undefined {
    return this.known.get(identityId(channel.id, externalUserId));
  }

  set(channel: ChannelRef, externalUserId: string, customer: CustomerEntity): void {
    this.known.set(identityId(channel.id, externalUserId), customer);
  }

  /** A customer this batch created ahead of the item that first needs it, which records its customer_created. */
  setCreated(channel: ChannelRef, externalUserId: string, customer: CustomerEntity): void {
    this.set(channel, externalUserId, customer);
    this.unannounced.add(identityId(channel.id, externalUserId));
  }

  /** True once for a customer set with setCreated: the caller records its customer_created now. */
  takeUnannounced(channel: ChannelRef, externalUserId: string): boolean {
    return this.unannounced.delete(identityId(channel.id, externalUserId));
  }
}
