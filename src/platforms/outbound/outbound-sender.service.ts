import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Readable } from 'node:stream';
import type { PlatformChannel } from '../../channels/entities/platform-channel.js';
import { accessTokenOf } from '../../channels/channel-credentials.js';
import { TokenRefreshService } from '../../channels/health/token-refresh.service.js';
import { PlatformChannelsService } from '../../channels/platform-channels.service.js';
import { toConversationView } from '../../conversations/conversation.view.js';
import { ConversationsRepository } from '../../conversations/conversations.repository.js';
import { replyWindowOf } from '../../conversations/reply-window.js';
import {
  TRANSACTION_COMMITTED,
  TransactionRunner,
  type Transaction,
  type TransactionCommitted,
} from '../../database/transaction-runner.js';
import type { CredentialsByPlatform } from '../../channels/credentials-cipher.js';
import type { Platform } from '../../channels/entities/channel.entity.js';
import type { MessageEntity } from '../../messages/entities/message.entity.js';
import type { MessagePart } from '../../messages/message-parts.js';
import { MessagePartsRepository } from '../../messages/message-parts.repository.js';
import { toMessageView } from '../../messages/message.view.js';
import { MessagesRepository, type ClaimedMessage } from '../../messages/messages.repository.js';
import { mediaKindOf } from '../../messages/outbound-attachments.js';
import { MediaService } from '../../media/media.service.js';
import type { OutboundTarget, PlatformAdapter, SendResult } from '../platform-adapter.js';
import { PlatformRegistry } from '../platform-registry.js';
import { SEND_TIMEOUT_MS, UPLOAD_TIMEOUT_MS } from '../platform-http.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from './send-backoff.js';

/** A reply not sent now and not failed: its channel needs reconnecting; it stays pending. */
const HELD = Symbol('held');

/** Messages claimed (and sent concurrently) per round. */
const CLAIM_BATCH_SIZE = 8;
/** A claim outlives the longest send by far, so a live sender is never overtaken by another instance. */
const CLAIM_LEASE_SECONDS = Math.ceil((SEND_TIMEOUT_MS * 6) / 1000);
/** Renewed before each part of a message sent in parts: outlives an upload with its token-refresh retry. */
const PART_LEASE_SECONDS = Math.ceil((UPLOAD_TIMEOUT_MS * 3) / 1000);
/** Safety net for due retries and for work committed by other instances. */
const POLL_INTERVAL_MS = 500;

/** One platform call of a send: the text, or one file. */
type Delivery = (
  adapter: PlatformAdapter,
  credentials: CredentialsByPlatform[Platform],
  target: OutboundTarget,
) => Promise<SendResult>;

const sendText: Delivery = (adapter, credentials, target) => adapter.send(credentials, target);

/** Whether a stored file's bytes can be read at all (then closes the stream). */
function canRead(stream: Readable): Promise<boolean> {
  return new Promise((resolve) => {
    stream.once('error', () => resolve(false));
    stream.once('readable', () => {
      stream.destroy();
      resolve(true);
    });
  });
}

/**
 * Sends pending agent messages after their commit, from the durable queue in Postgres: woken by committed
 * `message_sent` pending events, by a scan at start and by a timer (due retries, other instances). Each status
 * change (`sent` with its platform id, or `failed` with a readable error) is emitted as `message.sent` in the
 * transaction that records it. Claims span every workspace; each later write names the workspace of the
 * claimed message.
 *
 * A message with attachments goes out in parts (`message_parts`: its text, then each file), one platform
 * message after the other within one claim. Each accepted part's id is recorded at once, so a restart or a
 * retry resumes with the next part and never sends an accepted one again; retries back off per part; the
 * message is `sent` once every part is (with the first part's id) and `failed` as soon as one fails for good.
 */
@Injectable()
export class OutboundSenderService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundSenderService.name);
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private wakeRequested = false;
  private stopping = false;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly channels: PlatformChannelsService,
    private readonly registry: PlatformRegistry,
    private readonly transactions: TransactionRunner,
    private readonly tokens: TokenRefreshService,
    private readonly parts: MessagePartsRepository,
    private readonly media: MediaService,
    private readonly conversations: ConversationsRepository,
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
        claimed = await this.messages.claimDueOutbound(CLAIM_BATCH_SIZE, CLAIM_LEASE_SECONDS);
      } catch (error) {
        this.logger.error({ err: error }, 'could not claim pending messages');
        return;
      }
      if (claimed.length === 0) continue;
      // Messages of one conversation go out one after the other, in order; conversations in parallel.
      const byConversation = new Map<string, ClaimedMessage[]>();
      for (const claim of claimed) {
        const { conversationId } = claim.message;
        byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), claim]);
      }
      await Promise.all(
        [...byConversation.values()].map(async (claims) => {
          for (const claim of claims) {
            // Shutting down: hand the rest back at once instead of leaving them leased until the lease expires.
            if (this.stopping) await this.release(claim.message);
            else await this.sendOne(claim);
          }
        }),
      );
      this.wakeRequested = true; // there may be more due work
    }
  }

  private async sendOne(claim: ClaimedMessage): Promise<void> {
    try {
      const { workspaceId, id } = claim.message;
      const parts = await this.parts.listParts(workspaceId, id);
      if (parts.length > 0) return await this.sendParts(claim, parts);
      const result = await this.send(claim, sendText);
      if (result === HELD) await this.release(claim.message);
      else await this.record(claim.message, result, claim.message.sendAttempts);
    } catch (error) {
      // Unexpected (database) failure: the claim lease expires and another round retries the message.
      this.logger.error({ err: error, messageId: claim.message.id }, 'failed to process an outbound message');
    }
  }

  private async release(message: MessageEntity): Promise<void> {
    try {
      await this.messages.releaseClaim(message.workspaceId, message.id);
    } catch (error) {
      this.logger.warn(
        { err: error, messageId: message.id },
        'could not release a claimed message; it is retried when its lease expires',
      );
    }
  }

  /** The parts not yet accepted, in order; stops at a failure, a held channel, or shutdown (between parts). */
  private async sendParts(claim: ClaimedMessage, parts: MessagePart[]): Promise<void> {
    const { message } = claim;
    for (const part of parts) {
      if (part.platformMessageId !== null) continue;
      if (this.stopping) return this.release(message);
      await this.messages.renewClaim(message.workspaceId, message.id, PART_LEASE_SECONDS);
      const result = await this.send(claim, this.partDelivery(part));
      if (result === HELD) return this.release(message);
      const attempts = part.attempts + 1;
      if (!result.ok) {
        const which = `part ${part.index + 1} of ${parts.length}`;
        const context =
          parts.length === 1 ? '' : part.index === 0 ? ` (${which})` : ` (${which}; the earlier parts were sent)`;
        if (result.retryable && attempts < MAX_SEND_ATTEMPTS)
          return this.retryLater(message, attempts, result.error, (delay) =>
            this.parts.rescheduleAfterFailure(message.workspaceId, message.id, part.index, delay),
          );
        return this.record(message, { ...result, error: result.error + context }, attempts);
      }
      const accepted = await this.transactions.run(async (tx) => {
        const outcome = await this.messages.acceptPart(
          tx.manager,
          message.workspaceId,
          message.id,
          part.index,
          result.platformMessageId,
        );
        if (outcome.completed) this.emitStatus(tx, outcome.completed);
        return outcome;
      });
      if (accepted.outcome === 'not_pending') return; // sent from its echoes meanwhile, or failed
    }
  }

  /** A file part: the stored upload, streamed to the platform as it is read. */
  private partDelivery(part: MessagePart): Delivery {
    if (part.kind === 'text') return sendText;
    const { mediaId } = part;
    return async (adapter, credentials, target) => {
      const opened = mediaId === null ? null : await this.media.open(mediaId);
      // A file gone from the store fails for good here, instead of as a broken upload (which would be retried).
      if (!opened || !(await canRead(opened.stream())))
        return { ok: false, retryable: false, error: 'the file is no longer stored' };
      const { record } = opened;
      return adapter.sendFile(credentials, target, {
        kind: mediaKindOf(record),
        name: record.name,
        mimeType: record.mimeType,
        size: record.size,
        open: () => opened.stream(),
      });
    };
  }

  /**
   * One send. An invalid-token answer refreshes the token (when the channel can) and retries once; a channel
   * that needs reconnecting holds the reply (HELD: it stays pending and goes out once the channel is fixed).
   */
  private async send(
    { message, threadKey, channel: stored, replyWindow }: ClaimedMessage,
    deliver: Delivery,
  ): Promise<SendResult | typeof HELD> {
    let channel: PlatformChannel;
    try {
      channel = this.channels.withCredentials(stored);
    } catch {
      return { ok: false, retryable: false, error: 'the channel credentials cannot be read' };
    }
    const window = replyWindowOf(replyWindow, new Date());
    if (window.state === 'closed')
      return { ok: false, retryable: false, error: `not sent: ${window.reason ?? 'the reply window closed'}` };
    const adapter = this.registry.get(channel.platform);
    const target = {
      messageId: message.id,
      channelExternalId: channel.externalId,
      threadKey,
      content: message.content,
      humanAgentTag: window.state === 'tag_required',
    };
    const result = await deliver(adapter, channel.credentials, target);
    if (result.ok || result.problem !== 'invalid_token') return result;
    const renewed = await this.tokens.afterInvalidToken(
      channel.workspaceId,
      channel.id,
      accessTokenOf(channel.credentials),
      result.error,
    );
    if (!renewed) return HELD;
    const retried = await deliver(adapter, renewed, target);
    if (!retried.ok && retried.problem === 'invalid_token') {
      await this.tokens.markNeedsReconnect(
        channel.workspaceId,
        channel.id,
        `${retried.error}. Reconnect the channel with new credentials`,
      );
      return HELD;
    }
    return retried;
  }

  /** `attempts`: of this send (the message's claims for a text; the part's own attempts for a part). */
  private async record(message: MessageEntity, result: SendResult, attempts: number): Promise<void> {
    if (!result.ok && result.retryable && attempts < MAX_SEND_ATTEMPTS)
      return this.retryLater(message, attempts, result.error, (delay) =>
        this.messages.rescheduleOutbound(message.workspaceId, message.id, delay),
      );
    await this.transactions.run(async (tx) => {
      let recorded: MessageEntity | null;
      let returnedSlots = 0;
      if (result.ok) {
        recorded = await this.messages.markSent(
          tx.manager,
          message.workspaceId,
          message.id,
          result.platformMessageId,
        );
      } else {
        const error = result.retryable ? `${result.error} (gave up after ${attempts} attempts)` : result.error;
        this.logger.warn({ messageId: message.id }, `send failed: ${error}`);
        const failed = await this.messages.markFailed(tx.manager, message.workspaceId, message.id, error);
        recorded = failed?.message ?? null;
        returnedSlots = failed?.returnedSlots ?? 0;
      }
      if (!recorded) return; // already moved on (its echo arrived first)
      this.emitStatus(tx, recorded);
      // TikTok's remaining count went up again: clients learn it without a refetch.
      if (returnedSlots > 0) await this.emitConversation(tx, recorded);
    });
  }

  private async retryLater(
    message: MessageEntity,
    attempts: number,
    error: string,
    reschedule: (delayMs: number) => Promise<void>,
  ): Promise<void> {
    const delay = retryDelayMs(attempts);
    this.logger.warn(
      { messageId: message.id, attempt: attempts },
      `transient send failure, retrying in ${delay} ms: ${error}`,
    );
    await reschedule(delay);
  }

  private async emitConversation(tx: Transaction, message: MessageEntity): Promise<void> {
    const { workspaceId, channelId, conversationId } = message;
    const conversation = await this.conversations.getWithCustomerOrFail(workspaceId, conversationId, tx.manager);
    if (conversation.platform !== 'tiktok') return; // the count matters only for TikTok's cap
    const attention = await this.conversations.sharedAttention(workspaceId, conversationId, tx.manager);
    tx.emit('conversation.updated', { workspaceId, channelId, conversationId }, toConversationView(conversation, attention));
  }

  private emitStatus(tx: Transaction, message: MessageEntity): void {
    const { workspaceId, channelId, conversationId } = message;
    tx.emit('message.sent', { workspaceId, channelId, conversationId }, toMessageView(message));
  }
}
