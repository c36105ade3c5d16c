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
import { ConflictError, NotFoundError } from '../common/errors/domain-errors.js';
import { MediaService } from '../media/media.service.js';
import { planParts, platformMessageCount, uploadAttachment } from './message-parts.js';
import { MessagePartsRepository } from './message-parts.repository.js';
import { OutboundAttachments } from './outbound-attachments.js';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly transactions: TransactionRunner,
    private readonly readState: ReadStateService,
    private readonly collisionGuard: CollisionGuard,
    private readonly attachments: OutboundAttachments,
    private readonly media: MediaService,
    private readonly parts: MessagePartsRepository,
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
   * Attachments (uploads) are checked first, linked to the message and planned as its parts (text first, then
   * each file) in the same transaction.
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
      const attachmentIds = dto.attachmentIds ?? [];
      // Validation allows blank text only beside files: then there is no text to send.
      const content = dto.content !== undefined && /\S/.test(dto.content) ? dto.content : '';
      const platformMessages = platformMessageCount(content, attachmentIds);
      assertReplyWindowOpen(conversation, platformMessages);
      if (dto.afterMessageId !== undefined) {
        await this.collisionGuard.assertNothingNewer(
          { workspaceId, conversationId, senderUserId: actor.id, afterMessageId: dto.afterMessageId },
          tx.manager,
        );
      }
      const uploads = await this.attachments.resolve(actor, conversation.platform, attachmentIds, tx.manager);
      const inserted = await this.messages.insertPendingUnlessDuplicate(
        {
          workspaceId,
          channelId: conversation.channelId,
          conversationId,
          senderUserId: actor.id,
          content,
          attachments: uploads.map(uploadAttachment),
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
      if (uploads.length > 0) {
        const linked = await this.media.attachToMessage(workspaceId, attachmentIds, inserted.id, tx.manager);
        // Another message took one of them meanwhile: this one is not stored (the transaction rolls back).
        if (linked !== uploads.length) throw new ConflictError('An attachment was just sent with another message');
        await this.parts.insertParts(tx.manager, inserted, planParts(content, attachmentIds));
      }
      await this.conversations.touchLastMessageAt(workspaceId, conversationId, tx.manager);
      await this.conversations.countAgentReply(workspaceId, conversationId, platformMessages, tx.manager);
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
