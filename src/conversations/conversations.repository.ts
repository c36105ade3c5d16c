import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import { ConversationEntity, type ConversationStatus } from './entities/conversation.entity.js';

export interface ConversationFilters {
  status?: ConversationStatus;
  channelId?: string;
  assigneeId?: string;
}

export type ConversationChanges = Partial<Pick<ConversationEntity, 'status' | 'assigneeId'>>;

/** Every query on conversations. Reads for a user go through AccessService (workspace + channel membership). */
@Injectable()
export class ConversationsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The conversation (with its customer) when the actor may see it, else null. */
  getVisible(actor: AuthUser, id: string, manager?: EntityManager): Promise<ConversationEntity | null> {
    const query = this.manager(manager)
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .leftJoinAndSelect('conversation.customer', 'customer')
      .where('conversation.id = :id', { id });
    return this.access.scope(query, actor, 'conversation').getOne();
  }

  /** As getVisible, without the customer, row-locked until the transaction ends. */
  getVisibleForUpdate(
    actor: AuthUser,
    id: string,
    manager: EntityManager,
  ): Promise<ConversationEntity | null> {
    const query = manager
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .where('conversation.id = :id', { id })
      .setLock('pessimistic_write');
    return this.access.scope(query, actor, 'conversation').getOne();
  }

  /** The conversation with its customer, for a view after a change in this transaction. */
  getWithCustomerOrFail(id: string, manager: EntityManager): Promise<ConversationEntity> {
    return manager
      .getRepository(ConversationEntity)
      .findOneOrFail({ where: { id }, relations: { customer: true } });
  }

  /** Newest activity first. */
  listVisible(
    actor: AuthUser,
    filters: ConversationFilters,
    limit: number,
    cursor?: string,
  ): Promise<Page<ConversationEntity>> {
    const query = this.dataSource
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .leftJoinAndSelect('conversation.customer', 'customer');
    this.access.scope(query, actor, 'conversation');
    if (filters.status) query.andWhere('conversation.status = :status', { status: filters.status });
    if (filters.channelId)
      query.andWhere('conversation.channel_id = :channelId', { channelId: filters.channelId });
    if (filters.assigneeId)
      query.andWhere('conversation.assignee_id = :assigneeId', { assigneeId: filters.assigneeId });
    return fetchNewestFirst(query, { alias: 'conversation', timeColumn: 'last_message_at' }, limit, cursor);
  }

  async update(
    id: string,
    changes: ConversationChanges,
    manager: EntityManager,
  ): Promise<ConversationEntity> {
    await manager.getRepository(ConversationEntity).update({ id }, changes);
    return this.getWithCustomerOrFail(id, manager);
  }

  /** Moves the conversation's activity time forward to `at` (default: the transaction's now()), never back. */
  async touchLastMessageAt(id: string, manager: EntityManager, at?: Date): Promise<void> {
    await manager.query(
      'UPDATE conversations SET last_message_at = GREATEST(last_message_at, coalesce($2::timestamptz, now())), updated_at = now() WHERE id = $1',
      [id, at ?? null],
    );
  }
}
