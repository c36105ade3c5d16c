import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { ChannelRef } from '../channels/entities/platform-channel.js';
import { fetchNewestFirstWithRaw } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import type { CustomerEntity } from '../customers/entities/customer.entity.js';
import { customerFromRow, type CustomerRow } from '../customers/entities/customer.row.js';
import { queryRows } from '../database/postgres-errors.js';
import { ConversationEntity, type ConversationStatus } from './entities/conversation.entity.js';
import { channelHumanAgentTagSql, conversationFromRow, type ConversationRow } from './entities/conversation.row.js';
import {
  callerAttentionFromRaw,
  selectCallerAttention,
  selectSharedAttention,
  sharedAttentionFromRaw,
} from './read-state/conversation-attention.sql.js';
import type { CallerAttention, SharedAttention } from './read-state/conversation-attention.view.js';
import { applyAttentionFilters, type AttentionFilters } from './read-state/attention-filters.js';

export interface ConversationFilters extends AttentionFilters {
  status?: ConversationStatus;
  channelId?: string;
  assigneeId?: string;
}

/** A conversation with its attention fields as one caller sees them. */
export interface ConversationForCaller {
  conversation: ConversationEntity;
  attention: CallerAttention;
}

export type ConversationChanges = Partial<Pick<ConversationEntity, 'status' | 'assigneeId'>>;

/** A platform thread's conversation, with its customer loaded. */
export interface ThreadConversation {
  conversation: ConversationEntity;
  /** The customer was deleted (its identities are gone): the next message makes a new customer. */
  customerDeleted: boolean;
}

/** The joined customer's columns, prefixed so they cannot collide with the conversation's. */
const CUSTOMER_PREFIX = 'customer__';
const JOINED_CUSTOMER_COLUMNS = (
  [
    'id',
    'workspace_id',
    'name',
    'phone',
    'email',
    'notes',
    'avatar_url',
    'created_at',
    'updated_at',
    'deleted_at',
  ] as const
)
  .map((column) => `cust.${column} AS ${CUSTOMER_PREFIX}${column}`)
  .join(', ');

type PrefixedCustomerRow = { [K in keyof CustomerRow as `${typeof CUSTOMER_PREFIX}${K}`]: CustomerRow[K] };

function splitJoinedCustomer(joined: ConversationRow & PrefixedCustomerRow): {
  row: ConversationRow;
  customer: CustomerRow;
} {
  const row: Record<string, unknown> = {};
  const customer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(joined)) {
    if (key.startsWith(CUSTOMER_PREFIX)) customer[key.slice(CUSTOMER_PREFIX.length)] = value;
    else row[key] = value;
  }
  return { row: row as unknown as ConversationRow, customer: customer as unknown as CustomerRow };
}

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

  /** As getVisible, with the attention fields as the actor sees them, in the same query. */
  async getVisibleForCaller(actor: AuthUser, id: string, manager?: EntityManager): Promise<ConversationForCaller | null> {
    const query = this.manager(manager)
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .leftJoinAndSelect('conversation.customer', 'customer')
      .where('conversation.id = :id', { id });
    selectCallerAttention(this.access.scope(query, actor, 'conversation'), 'conversation', actor.id);
    const { entities, raw } = await query.getRawAndEntities<Record<string, unknown>>();
    return entities[0] ? { conversation: entities[0], attention: callerAttentionFromRaw(raw[0]) } : null;
  }

  /** The attention fields every caller shares, for the conversation in an event. */
  async sharedAttention(workspaceId: string, id: string, manager: EntityManager): Promise<SharedAttention> {
    const query = manager
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .select('conversation.id', 'id')
      .where('conversation.id = :id AND conversation.workspace_id = :workspaceId', { id, workspaceId });
    const raw = await selectSharedAttention(query, 'conversation').getRawOne<Record<string, unknown>>();
    if (!raw) throw new Error('the conversation is not in this workspace');
    return sharedAttentionFromRaw(raw);
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
  getWithCustomerOrFail(
    workspaceId: string,
    id: string,
    manager: EntityManager,
  ): Promise<ConversationEntity> {
    return manager
      .getRepository(ConversationEntity)
      .findOneOrFail({ where: { id, workspaceId }, relations: { customer: true } });
  }

  /** Newest activity first, with each conversation's attention fields as the actor sees them (one query). */
  async listVisible(
    actor: AuthUser,
    filters: ConversationFilters,
    limit: number,
    cursor?: string,
  ): Promise<Page<ConversationForCaller>> {
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
    applyAttentionFilters(selectCallerAttention(query, 'conversation', actor.id), 'conversation', filters);
    const page = await fetchNewestFirstWithRaw(query, { alias: 'conversation', timeColumn: 'last_message_at' }, limit, cursor);
    return {
      items: page.items.map((conversation, index) => ({ conversation, attention: callerAttentionFromRaw(page.raw[index]) })),
      nextCursor: page.nextCursor,
    };
  }

  async update(
    workspaceId: string,
    id: string,
    changes: ConversationChanges,
    manager: EntityManager,
  ): Promise<ConversationEntity> {
    await manager.getRepository(ConversationEntity).update({ id, workspaceId }, changes);
    return this.getWithCustomerOrFail(workspaceId, id, manager);
  }

  /** Moves the conversation's activity time forward to the transaction's now(), never back. */
  async touchLastMessageAt(workspaceId: string, id: string, manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE conversations SET last_message_at = GREATEST(last_message_at, now()), updated_at = now() WHERE id = $1 AND workspace_id = $2',
      [id, workspaceId],
    );
  }

  /** An agent reply was queued here: each of its platform messages counts against TikTok's per-window cap. */
  async countAgentReply(
    workspaceId: string,
    id: string,
    platformMessages: number,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      'UPDATE conversations SET agent_messages_since_customer = agent_messages_since_customer + $3 WHERE id = $1 AND workspace_id = $2',
      [id, workspaceId, platformMessages],
    );
  }

  /**
   * The conversation of a platform thread on this channel (webhooks), with its customer. With `lock`, the
   * conversation row is locked (FOR NO KEY UPDATE) before anything else of the delivery touches it: taking the
   * lock only after inserting a message (whose foreign key holds a KEY SHARE lock) would be a lock upgrade, and
   * concurrent deliveries to one thread would deadlock.
   */
  async findByThread(
    manager: EntityManager,
    channel: ChannelRef,
    threadKey: string,
    lock = false,
  ): Promise<ThreadConversation | null> {
    const rows: Array<ConversationRow & PrefixedCustomerRow> = await queryRows(
      manager,
      `SELECT conv.*, ${channelHumanAgentTagSql('conv.channel_id')}, ${JOINED_CUSTOMER_COLUMNS} FROM conversations conv JOIN customers cust ON cust.id = conv.customer_id
        WHERE conv.channel_id = $1 AND conv.thread_key = $2 AND conv.workspace_id = $3${lock ? ' FOR NO KEY UPDATE OF conv' : ''}`,
      [channel.id, threadKey, channel.workspaceId],
    );
    if (!rows[0]) return null;
    const { row, customer } = splitJoinedCustomer(rows[0]);
    return {
      conversation: conversationFromRow(row, customerFromRow(customer)),
      customerDeleted: customer.deleted_at !== null,
    };
  }

  /**
   * findByThread for many threads at once, each row locked (FOR NO KEY UPDATE) in id order, so concurrent
   * batches lock shared threads in one order. Threads without a conversation are absent from the answer.
   */
  async findByThreadsLocked(
    manager: EntityManager,
    threads: ReadonlyArray<{ channel: ChannelRef; threadKey: string }>,
  ): Promise<Array<{ channelId: string; threadKey: string; thread: ThreadConversation }>> {
    if (threads.length === 0) return [];
    const rows: Array<ConversationRow & PrefixedCustomerRow> = await queryRows(
      manager,
      `SELECT conv.*, ${channelHumanAgentTagSql('conv.channel_id')}, ${JOINED_CUSTOMER_COLUMNS}
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS wanted (channel_id, thread_key, workspace_id)
         JOIN conversations conv ON conv.channel_id = wanted.channel_id AND conv.thread_key = wanted.thread_key
                                AND conv.workspace_id = wanted.workspace_id
         JOIN customers cust ON cust.id = conv.customer_id
        ORDER BY conv.id FOR NO KEY UPDATE OF conv`,
      [
        threads.map((thread) => thread.channel.id),
        threads.map((thread) => thread.threadKey),
        threads.map((thread) => thread.channel.workspaceId),
      ],
    );
    return rows.map((joined) => {
      const { row, customer } = splitJoinedCustomer(joined);
      return {
        channelId: row.channel_id,
        threadKey: row.thread_key,
        thread: {
          conversation: conversationFromRow(row, customerFromRow(customer)),
          customerDeleted: customer.deleted_at !== null,
        },
      };
    });
  }

  /**
   * Starts the conversation of a platform thread (webhooks). Null when the thread's conversation already exists
   * (created concurrently: the unique constraint settles it, ON CONFLICT, so the transaction never aborts).
   */
  async insertForThreadUnlessExists(
    manager: EntityManager,
    channel: ChannelRef,
    threadKey: string,
    customer: CustomerEntity,
    lastMessageAt: Date,
  ): Promise<ConversationEntity | null> {
    const rows: ConversationRow[] = await queryRows(
      manager,
      `INSERT INTO conversations (workspace_id, channel_id, customer_id, platform, thread_key, status, last_message_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6)
       ON CONFLICT ON CONSTRAINT conversations_channel_thread_key DO NOTHING RETURNING *, ${channelHumanAgentTagSql()}`,
      [channel.workspaceId, channel.id, customer.id, channel.platform, threadKey, lastMessageAt],
    );
    return rows[0] ? conversationFromRow(rows[0], customer) : null;
  }

  /**
   * insertForThreadUnlessExists for many new threads in one statement. One answer per input, in order: null
   * where the thread already has a conversation (another transaction created it first).
   */
  async insertManyForThreadsUnlessExist(
    manager: EntityManager,
    threads: ReadonlyArray<{
      channel: ChannelRef;
      threadKey: string;
      customer: CustomerEntity;
      lastMessageAt: Date;
    }>,
  ): Promise<Array<ConversationEntity | null>> {
    if (threads.length === 0) return [];
    const rows: ConversationRow[] = await queryRows(
      manager,
      `INSERT INTO conversations (workspace_id, channel_id, customer_id, platform, thread_key, status, last_message_at)
       SELECT workspace_id, channel_id, customer_id, platform, thread_key, 'open', last_message_at
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])
           AS batch (workspace_id, channel_id, customer_id, platform, thread_key, last_message_at)
       ON CONFLICT ON CONSTRAINT conversations_channel_thread_key DO NOTHING RETURNING *, ${channelHumanAgentTagSql()}`,
      [
        threads.map((thread) => thread.channel.workspaceId),
        threads.map((thread) => thread.channel.id),
        threads.map((thread) => thread.customer.id),
        threads.map((thread) => thread.channel.platform),
        threads.map((thread) => thread.threadKey),
        threads.map((thread) => thread.lastMessageAt),
      ],
    );
    const key = (channelId: string, threadKey: string): string => `${channelId}\u0000${threadKey}`;
    const created = new Map(rows.map((row) => [key(row.channel_id, row.thread_key), row]));
    return threads.map((thread) => {
      const row = created.get(key(thread.channel.id, thread.threadKey));
      return row ? conversationFromRow(row, thread.customer) : null;
    });
  }

  /** Points a thread whose customer was deleted at the new customer its next message created. */
  async relinkToCustomer(
    manager: EntityManager,
    workspaceId: string,
    conversationId: string,
    customer: CustomerEntity,
  ): Promise<ConversationEntity> {
    const [row] = await queryRows<ConversationRow>(
      manager,
      `UPDATE conversations SET customer_id = $2, updated_at = now() WHERE id = $1 AND workspace_id = $3 RETURNING *, ${channelHumanAgentTagSql()}`,
      [conversationId, customer.id, workspaceId],
    );
    if (!row) throw new Error('the conversation to relink is not in this workspace');
    return conversationFromRow(row, customer);
  }
}
