import type { ChannelRef } from '../channels/entities/platform-channel.js';
import type { ConversationEntity } from '../conversations/entities/conversation.entity.js';
import type { InboundItem, InboundMessage } from '../platforms/platform-adapter.js';
import type { BatchThreads } from './batch-threads.js';

/** A customer message waiting for the batch's multi-row insert, with its conversation as it was before. */
export interface PendingCustomerMessage {
  channel: ChannelRef;
  item: InboundMessage;
  conversation: ConversationEntity;
  sentAt: Date;
  /** The message opens its conversation (created just before, in this batch). */
  started: boolean;
}

/**
 * The run of customer messages a batch can insert together: those whose conversation the batch already holds
 * locked (read up front, or written earlier in the batch) and whose customer still exists. Everything else —
 * echoes, receipts, contacts, and the conversation (and customer) of a thread's first message — goes through
 * the one-by-one path, after the run so far has been inserted. A conversation's state is the one from before the
 * run: the run's statement moves it once for all its messages.
 */
/** In the run's order: a message, or events to record between messages (a new thread's opening events). */
export type PendingEntry = { message: PendingCustomerMessage } | { record: () => void };

export class PendingCustomerMessages {
  private taken: PendingEntry[] = [];
  private readonly before = new Map<string, ConversationEntity>();

  /** Takes the item into the run when it can be inserted with it; false when it must go one by one. */
  take(
    threads: BatchThreads,
    channel: ChannelRef,
    item: InboundItem,
    timeOf: (sentAt: Date | null) => Date,
    started = false,
  ): boolean {
    if (item.kind !== 'message' || item.direction !== 'customer') return false;
    const known = threads.get(channel, item.threadKey);
    if (!known || known.customerDeleted) return false;
    const conversation = this.before.get(known.conversation.id) ?? known.conversation;
    this.before.set(conversation.id, conversation);
    this.taken.push({ message: { channel, item, conversation, sentAt: timeOf(item.sentAt), started } });
    return true;
  }

  /** Events to record at this point of the run, when it is inserted. */
  recordInOrder(record: () => void): void {
    this.taken.push({ record });
  }

  /** The run so far, in order; the next run starts empty. */
  drain(): PendingEntry[] {
    const taken = this.taken;
    this.taken = [];
    this.before.clear();
    return taken;
  }
}
