import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { pageSize, type Page } from '../common/pagination.js';
import { toConversationView } from '../conversations/conversation.view.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { ReadStateService } from '../conversations/read-state/read-state.service.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { CollisionGuard } from './collision-guard.js';
import type { ListMessagesQueryDto } from './dto/list-messages-query.dto.js';
import type { SendMessageDto } from './dto/send-message.dto.js';
import { toMessageView, type MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';
import { assertReplyWindowOpen } from './reply-window-check.js';
import { NotFoundError } from '../common/errors/domain-errors.js';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly transactions: TransactionRunner,
    private readonly readState: ReadStateService,
    private readonly collisionGuard: CollisionGuard,
  ) {}

  /** A page of the newest messages older than `before`, oldest first within the page; nextCursor goes further back. */
  async listMessages(
    actor: AuthUser,
    conversationId: string,
    query: ListMessagesQueryDto,
  ): Promise<Page<MessageView>> {
    if (!(await this.conversations.getVisible(actor, conversationId)))
      throw new NotFoundError('Conversation not found');
    const page = await this.messages.pageNewestFirst(
      actor.workspaceId,
      conversationId,
      pageSize(query),
      query.before,
    );
    return { items: page.items.reverse().map(toMessageView), nextCursor: page.nextCursor };
  }

  /**
   * Queues an agent reply (`pending`; the outbound sender delivers it) and moves the conversation up the inbox.
   * Idempotent on clientMessageId: a repeat returns the first message, with no second row and no second event.
   */
  async sendMessage(actor: AuthUser, conversationId: string, dto: SendMessageDto): Promise<MessageView> {
    return this.transactions.run(async (tx) => {
      // The row lock also serialises concurrent sends with one clientMessageId.
      const conversation = await this.conversations.getVisibleForUpdate(actor, conversationId, tx.manager);
      if (!conversation) throw new NotFoundError('Conversation not found');
      const { workspaceId } = conversation;
      const clientMessageId = dto.clientMessageId ?? null;
      if (clientMessageId !== null) {
        const earlier = await this.messages.getByClientMessageId(
          workspaceId,
          conversationId,
          clientMessageId,
          tx.manager,
        );
        if (earlier) return toMessageView(earlier);
      }
      assertReplyWindowOpen(conversation);
      if (dto.afterMessageId !== undefined) {
        await this.collisionGuard.assertNothingNewer(
          { workspaceId, conversationId, senderUserId: actor.id, afterMessageId: dto.afterMessageId },
          tx.manager,
        );
      }
      const inserted = await this.messages.insertPendingUnlessDuplicate(
        {
          workspaceId,
          channelId: conversation.channelId,
          conversationId,
          senderUserId: actor.id,
          content: dto.content,
          clientMessageId,
        },
        tx.manager,
      );
      if (!inserted) {
        const earlier =
          clientMessageId === null
            ? null
            : await this.messages.getByClientMessageId(workspaceId, conversationId, clientMessageId, tx.manager);
        if (!earlier) throw new Error('message insert was skipped without a duplicate to return');
        return toMessageView(earlier);
      }
      await this.conversations.touchLastMessageAt(workspaceId, conversationId, tx.manager);
      await this.conversations.countAgentReply(workspaceId, conversationId, tx.manager);
      const message = toMessageView(inserted);
      const scope = {
        workspaceId,
        channelId: conversation.channelId,
        conversationId,
      };
      tx.emit('message.sent', scope, message);
      tx.emit(
        'conversation.updated',
        scope,
        toConversationView(
          await this.conversations.getWithCustomerOrFail(workspaceId, conversationId, tx.manager),
          await this.conversations.sharedAttention(workspaceId, conversationId, tx.manager),
        ),
      );
      await this.readState.readOwnReply(tx, { ...scope, userId: actor.id }, message.id);
      return message;
    });
  }
}
