import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { pageSize, type Page } from '../common/pagination.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { UsersRepository } from '../users/users.repository.js';
import { toConversationView, type ConversationView } from './conversation.view.js';
import { ConversationsRepository, type ConversationChanges } from './conversations.repository.js';
import type { ListConversationsQueryDto } from './dto/list-conversations-query.dto.js';
import type { UpdateConversationDto } from './dto/update-conversation.dto.js';
import { NotFoundError, ValidationError } from '../common/errors/domain-errors.js';

@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly users: UsersRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async listConversations(
    actor: AuthUser,
    query: ListConversationsQueryDto,
  ): Promise<Page<ConversationView>> {
    const filters = { status: query.status, channelId: query.channelId, assigneeId: query.assigneeId };
    const page = await this.conversations.listVisible(actor, filters, pageSize(query), query.cursor);
    return { items: page.items.map(toConversationView), nextCursor: page.nextCursor };
  }

  async getConversation(actor: AuthUser, id: string): Promise<ConversationView> {
    const conversation = await this.conversations.getVisible(actor, id);
    if (!conversation) throw new NotFoundError('Conversation not found');
    return toConversationView(conversation);
  }

  /** Changes status and/or assignee; emits conversation.updated when something actually changed. */
  async updateConversation(
    actor: AuthUser,
    id: string,
    dto: UpdateConversationDto,
  ): Promise<ConversationView> {
    return this.transactions.run(async (tx) => {
      const current = await this.conversations.getVisibleForUpdate(actor, id, tx.manager);
      if (!current) throw new NotFoundError('Conversation not found');
      const changes: ConversationChanges = {};
      if (dto.status !== undefined && dto.status !== current.status) changes.status = dto.status;
      if (dto.assigneeId !== undefined && dto.assigneeId !== current.assigneeId) {
        if (
          dto.assigneeId !== null &&
          !(await this.users.getInWorkspace(actor.workspaceId, dto.assigneeId, tx.manager))
        ) {
          throw new ValidationError(['assigneeId must be a user of this workspace']);
        }
        changes.assigneeId = dto.assigneeId;
      }
      if (Object.keys(changes).length === 0)
        return toConversationView(await this.conversations.getWithCustomerOrFail(actor.workspaceId, id, tx.manager));
      const conversation = toConversationView(await this.conversations.update(actor.workspaceId, id, changes, tx.manager));
      tx.emit(
        'conversation.updated',
        { workspaceId: actor.workspaceId, channelId: conversation.channelId, conversationId: id },
        conversation,
      );
      return conversation;
    });
  }
}
