import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { NotFoundError, ValidationError } from '../../common/errors/domain-errors.js';
import { Transaction, TransactionRunner } from '../../database/transaction-runner.js';
import { ConversationsRepository } from '../conversations.repository.js';
import type { ConversationCountsResponse } from './counts.view.js';
import type { MarkReadDto } from './conversation-read.view.js';
import { ReadStateRepository, type ReadPoint } from './read-state.repository.js';

/** Where a read point belongs: the conversation and the reader. */
interface ReadTarget {
  userId: string;
  workspaceId: string;
  channelId: string;
  conversationId: string;
}

/**
 * Per-user read points. Reading never happens implicitly (GET never moves it); only these routes and the
 * user's own reply do. Each move emits `conversation_read` to that user's streams only.
 */
@Injectable()
export class ReadStateService {
  constructor(
    private readonly readState: ReadStateRepository,
    private readonly conversations: ConversationsRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Up to `messageId` (default: the newest message); a read point never moves back here. */
  async markRead(actor: AuthUser, conversationId: string, dto: MarkReadDto): Promise<void> {
    await this.transactions.run(async (tx) => {
      const target = await this.target(actor, conversationId, tx.manager);
      const point =
        dto.messageId === undefined
          ? await this.readState.newestMessagePoint(actor.workspaceId, conversationId, tx.manager)
          : await this.readState.messagePoint(actor.workspaceId, conversationId, dto.messageId, tx.manager);
      if (dto.messageId !== undefined && !point) throw new ValidationError(['messageId must be a message of this conversation']);
      if (point && (await this.readState.moveForward(target.userId, target.workspaceId, conversationId, point, tx.manager))) {
        await this.emitRead(tx, target, point);
      }
    });
  }

  /** Back to just before the newest customer message (no customer message: nothing to mark). */
  async markUnread(actor: AuthUser, conversationId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const target = await this.target(actor, conversationId, tx.manager);
      const point = await this.readState.pointBeforeNewestCustomerMessage(actor.workspaceId, conversationId, tx.manager);
      if (point && (await this.readState.moveTo(target.userId, target.workspaceId, conversationId, point, tx.manager))) {
        await this.emitRead(tx, target, point);
      }
    });
  }

  /** An agent's own reply moves their read point to it (inside the reply's transaction). */
  async readOwnReply(tx: Transaction, target: ReadTarget, messageId: string): Promise<void> {
    const point = await this.readState.messagePoint(target.workspaceId, target.conversationId, messageId, tx.manager);
    if (point && (await this.readState.moveForward(target.userId, target.workspaceId, target.conversationId, point, tx.manager))) {
      await this.emitRead(tx, target, point);
    }
  }

  async counts(actor: AuthUser): Promise<ConversationCountsResponse> {
    const counts: ConversationCountsResponse = { unread: 0, unreadMine: 0, unreadUnassigned: 0, waiting: 0, byChannel: {} };
    for (const tally of await this.readState.tallyByChannel(actor)) {
      counts.unread += tally.unread;
      counts.unreadMine += tally.unreadMine;
      counts.unreadUnassigned += tally.unreadUnassigned;
      counts.waiting += tally.waiting;
      if (tally.unread > 0) counts.byChannel[tally.channelId] = tally.unread;
    }
    return counts;
  }

  private async target(actor: AuthUser, conversationId: string, manager: EntityManager): Promise<ReadTarget> {
    const conversation = await this.conversations.getVisible(actor, conversationId, manager);
    if (!conversation) throw new NotFoundError('Conversation not found');
    return { userId: actor.id, workspaceId: actor.workspaceId, channelId: conversation.channelId, conversationId };
  }

  private async emitRead(tx: Transaction, target: ReadTarget, point: ReadPoint): Promise<void> {
    const unreadCount = await this.readState.unreadCount(target.userId, target.workspaceId, target.conversationId, tx.manager);
    tx.emit(
      'conversation.read',
      { workspaceId: target.workspaceId, channelId: target.channelId, conversationId: target.conversationId, userId: target.userId },
      { conversationId: target.conversationId, unreadCount, lastReadMessageId: point.messageId },
    );
  }
}
