import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { pageSize, type Page } from '../common/pagination.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { UsersRepository } from '../users/users.repository.js';
import { toCallerConversationView, toConversationView, type CallerConversationView } from './conversation.view.js';
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
  ): Promise<Page<CallerConversationView>> {
    const filters = {
      status: query.status,
      channelId: query.channelId,
      assigneeId: query.assigneeId,
      unread: query.unread,
      waiting: query.waiting,
      q: query.q,
    };
    const page = await this.conversations.listVisible(actor, filters, pageSize(query), query.cursor);
    return {
      items: page.items.map(({ conversation, attention }) => toCallerConversationView(conversation, attention)),
      nextCursor: page.nextCursor,
    };
  }

  async getConversation(actor: AuthUser, id: string): Promise<CallerConversationView> {
    return this.getForCaller(actor, id);
  }

  private async getForCaller(actor: AuthUser, id: string, manager?: EntityManager): Promise<CallerConversationView> {
    const found = await this.conversations.getVisibleForCaller(actor, id, manager);
    if (!found) throw new NotFoundError('Conversation not found');
    return toCallerConversationView(found.conversation, found.attention);
  }

  /** Changes status and/or assignee; emits conversation.updated when something actually changed. */
  async updateConversation(
    actor: AuthUser,
    id: string,
    dto: UpdateConversationDto,
  ): Promise<CallerConversationView> {
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
      if (Object.keys(changes).length === 0) return this.getForCaller(actor, id, tx.manager);
      const conversation = toConversationView(
        await this.conversations.update(actor.workspaceId, id, changes, tx.manager),
        await this.conversations.sharedAttention(actor.workspaceId, id, tx.manager),
      );
      tx.emit(
        'conversation.updated',
        { workspaceId: actor.workspaceId, channelId: conversation.channelId, conversationId: id },
        conversation,
      );
      // Status and assignment never touch read points: the caller's unreadCount is as before.
      return this.getForCaller(actor, id, tx.manager);
    });
  }
}
