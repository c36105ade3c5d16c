import type { ChannelRef } from '../channels/entities/platform-channel.js';
import type { ConversationsRepository, ThreadConversation } from '../conversations/conversations.repository.js';
import type { Transaction } from '../database/transaction-runner.js';
import type { ChannelItems } from './inbound-ingestion.service.js';

const threadId = (channelId: string, threadKey: string): string => `${channelId}\u0000${threadKey}`;

/**
 * The conversations of a batch's customer messages, locked and read in ONE query when the batch's transaction
 * starts (instead of one query per message), then kept current as the batch writes to them. Rows stay locked
 * until the commit, so what is kept here cannot change underneath.
 */
export class BatchThreads {
  private readonly known = new Map<string, ThreadConversation>();
  /** Every thread the opening query looked for, found or not. */
  private readonly lookedFor = new Set<string>();

  static async lock(
    tx: Transaction,
    conversations: ConversationsRepository,
    group: ReadonlyArray<ChannelItems[]>,
  ): Promise<BatchThreads> {
    const wanted = new Map<string, { channel: ChannelRef; threadKey: string }>();
    for (const deliveries of group)
      for (const { channel, items } of deliveries)
        for (const item of items)
          if (item.kind === 'message' && item.direction === 'customer')
            wanted.set(threadId(channel.id, item.threadKey), { channel, threadKey: item.threadKey });
    const threads = new BatchThreads();
    for (const id of wanted.keys()) threads.lookedFor.add(id);
    for (const found of await conversations.findByThreadsLocked(tx.manager, [...wanted.values()]))
      threads.known.set(threadId(found.channelId, found.threadKey), found.thread);
    return threads;
  }

  /** The thread's conversation as this batch last left it; undefined when it was not read up front. */
  get(channel: ChannelRef, threadKey: string): ThreadConversation | undefined {
    return this.known.get(threadId(channel.id, threadKey));
  }

  /**
   * The opening query looked for this thread. When it found none, there is no need to look again: a
   * conversation another transaction creates meanwhile is caught by the insert's unique constraint.
   */
  lookedUp(channel: ChannelRef, threadKey: string): boolean {
    return this.lookedFor.has(threadId(channel.id, threadKey));
  }

  set(channel: ChannelRef, threadKey: string, thread: ThreadConversation): void {
    this.known.set(threadId(channel.id, threadKey), thread);
  }
}
