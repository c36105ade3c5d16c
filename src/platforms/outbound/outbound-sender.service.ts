import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Platform } from '../../channels/entities/channel.entity.js';
import {
  TRANSACTION_COMMITTED,
  TransactionRunner,
  type TransactionCommitted,
} from '../../database/transaction-runner.js';
import { toMessageView } from '../../messages/message.view.js';
import { messageFromRow, type MessageRow } from '../inbox-rows.js';
import type { SendResult } from '../platform-adapter.js';
import { PlatformChannelsRepository } from '../platform-channels.repository.js';
import { PlatformRegistry } from '../platform-registry.js';
import { SEND_TIMEOUT_MS } from '../platform-http.js';
import { OutboundQueueRepository, type ClaimedMessage } from './outbound-queue.repository.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from './send-backoff.js';

/** Messages claimed (and sent concurrently) per round. */
const CLAIM_BATCH_SIZE = 8;
/** A claim outlives the longest send by far, so a live sender is never overtaken by another instance. */
const CLAIM_LEASE_SECONDS = Math.ceil((SEND_TIMEOUT_MS * 6) / 1000);
/** Safety net for due retries and for work committed by other instances. */
const POLL_INTERVAL_MS = 500;

/**
 * Sends pending agent messages after their commit, from the durable queue in Postgres: woken by committed
 * `message_sent` pending events, by a scan at start and by a timer (due retries, other instances). Each status
 * change (`sent` with its platform id, or `failed` with a readable error) is emitted as `message.sent` in the
 * transaction that records it.
 */
@Injectable()
export class OutboundSenderService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundSenderService.name);
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private wakeRequested = false;
  private stopping = false;

  constructor(
    private readonly queue: OutboundQueueRepository,
    private readonly channels: PlatformChannelsRepository,
    private readonly registry: PlatformRegistry,
    private readonly transactions: TransactionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  @OnEvent(TRANSACTION_COMMITTED)
  onTransactionCommitted(committed: TransactionCommitted): void {
    if (
      committed.events.some(
        (event) => event.name === 'message.sent' && (event.data as { status?: string }).status === 'pending',
      )
    )
      this.wake();
  }

  /** Starts a drain unless one runs; a running drain is told to go round once more. */
  wake(): void {
    if (this.stopping) return;
    this.wakeRequested = true;
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.wakeRequested && !this.stopping) {
      this.wakeRequested = false;
      let claimed: ClaimedMessage[];
      try {
        claimed = await this.queue.claimDue(CLAIM_BATCH_SIZE, CLAIM_LEASE_SECONDS);
      } catch (error) {
        this.logger.error({ err: error }, 'could not claim pending messages');
        return;
      }
      if (claimed.length === 0) continue;
      // Messages of one conversation go out one after the other, in order; conversations in parallel.
      const byConversation = new Map<string, ClaimedMessage[]>();
      for (const message of claimed)
        byConversation.set(message.conversation_id, [
          ...(byConversation.get(message.conversation_id) ?? []),
          message,
        ]);
      await Promise.all(
        [...byConversation.values()].map(async (messages) => {
          for (const message of messages) {
            // Shutting down: hand the rest back at once instead of leaving them leased until the lease expires.
            if (this.stopping) await this.release(message);
            else await this.sendOne(message);
          }
        }),
      );
      this.wakeRequested = true; // there may be more due work
    }
  }

  private async sendOne(message: ClaimedMessage): Promise<void> {
    try {
      const result = await this.send(message);
      await this.record(message, result);
    } catch (error) {
      // Unexpected (database) failure: the claim lease expires and another round retries the message.
      this.logger.error({ err: error, messageId: message.id }, 'failed to process an outbound message');
    }
  }

  private async release(message: ClaimedMessage): Promise<void> {
    try {
      await this.queue.release(message.id);
    } catch (error) {
      this.logger.warn(
        { err: error, messageId: message.id },
        'could not release a claimed message; it is retried when its lease expires',
      );
    }
  }

  private async send(message: ClaimedMessage): Promise<SendResult> {
    let credentials: unknown;
    try {
      credentials = this.channels.decrypt<Platform>(message.channel_id, message.credentials_encrypted);
    } catch {
      return { ok: false, retryable: false, error: 'the channel credentials cannot be read' };
    }
    const adapter = this.registry.get(message.platform);
    return adapter.send(credentials as never, {
      messageId: message.id,
      channelExternalId: message.channel_external_id,
      threadKey: message.thread_key,
      content: message.content,
    });
  }

  private async record(message: ClaimedMessage, result: SendResult): Promise<void> {
    if (!result.ok && result.retryable && message.send_attempts < MAX_SEND_ATTEMPTS) {
      const delay = retryDelayMs(message.send_attempts);
      this.logger.warn(
        { messageId: message.id, attempt: message.send_attempts },
        `transient send failure, retrying in ${delay} ms: ${result.error}`,
      );
      await this.queue.reschedule(message.id, delay);
      return;
    }
    await this.transactions.run(async (tx) => {
      let row: MessageRow | null;
      if (result.ok) {
        row = await this.queue.markSent(tx.manager, message.id, result.platformMessageId);
      } else {
        const error = result.retryable
          ? `${result.error} (gave up after ${message.send_attempts} attempts)`
          : result.error;
        this.logger.warn({ messageId: message.id }, `send failed: ${error}`);
        row = await this.queue.markFailed(tx.manager, message.id, error);
      }
      if (!row) return; // already moved on (its echo arrived first)
      tx.emit(
        'message.sent',
        { workspaceId: row.workspace_id, channelId: row.channel_id, conversationId: row.conversation_id },
        toMessageView(messageFromRow(row)),
      );
    });
  }
}
