import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../../access/access.service.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { queryRows } from '../../database/postgres-errors.js';
import { ConversationEntity } from '../entities/conversation.entity.js';
import { hasUnreadSql, isWaitingSql } from './conversation-attention.sql.js';

/** A place in a conversation's stored order, and the message there (null: before the first message). */
export interface ReadPoint {
  order: number;
  messageId: string | null;
}

/** Per-channel tallies of visible, not resolved conversations. */
export interface ChannelTally {
  channelId: string;
  unread: number;
  unreadMine: number;
  unreadUnassigned: number;
  waiting: number;
}

/** Every query on conversation_reads (per-user read points) and the message positions they point at. */
@Injectable()
export class ReadStateRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** Where a message of this conversation stands; null when it is not one of its messages. */
  async messagePoint(workspaceId: string, conversationId: string, messageId: string, manager: EntityManager): Promise<ReadPoint | null> {
    const [row] = await queryRows<{ stored_order: string }>(
      manager,
      'SELECT stored_order FROM messages WHERE id = $1 AND conversation_id = $2 AND workspace_id = $3',
      [messageId, conversationId, workspaceId],
    );
    return row ? { order: Number(row.stored_order), messageId } : null;
  }

  async newestMessagePoint(workspaceId: string, conversationId: string, manager: EntityManager): Promise<ReadPoint | null> {
    const [row] = await queryRows<{ id: string; stored_order: string }>(
      manager,
      'SELECT id, stored_order FROM messages WHERE conversation_id = $1 AND workspace_id = $2 ORDER BY stored_order DESC LIMIT 1',
      [conversationId, workspaceId],
    );
    return row ? { order: Number(row.stored_order), messageId: row.id } : null;
  }

  /** Just before the newest customer message: that message and the customer ones after it are unread. */
  async pointBeforeNewestCustomerMessage(workspaceId: string, conversationId: string, manager: EntityManager): Promise<ReadPoint | null> {
    const [row] = await queryRows<{ before_order: string; before_id: string | null }>(
      manager,
      `SELECT newest.stored_order - 1 AS before_order,
              (SELECT earlier.id FROM messages earlier WHERE earlier.conversation_id = newest.conversation_id
                  AND earlier.stored_order < newest.stored_order ORDER BY earlier.stored_order DESC LIMIT 1) AS before_id
         FROM messages newest
        WHERE newest.conversation_id = $1 AND newest.workspace_id = $2 AND newest.sender = 'customer'
        ORDER BY newest.stored_order DESC LIMIT 1`,
      [conversationId, workspaceId],
    );
    return row ? { order: Number(row.before_order), messageId: row.before_id } : null;
  }

  /** Moves the user's read point to `point` if that is later (never back). True when it moved. */
  moveForward(userId: string, workspaceId: string, conversationId: string, point: ReadPoint, manager: EntityManager): Promise<boolean> {
    return this.upsert('conversation_reads.last_read_order < excluded.last_read_order', userId, workspaceId, conversationId, point, manager);
  }

  /** Sets the user's read point, back or forth. True when it changed. */
  moveTo(userId: string, workspaceId: string, conversationId: string, point: ReadPoint, manager: EntityManager): Promise<boolean> {
    return this.upsert('conversation_reads.last_read_order <> excluded.last_read_order', userId, workspaceId, conversationId, point, manager);
  }

  /** Writes the read point when there is none yet or `when` holds; true when a row was written. */
  private async upsert(
    when: string,
    userId: string,
    workspaceId: string,
    conversationId: string,
    point: ReadPoint,
    manager: EntityManager,
  ): Promise<boolean> {
    const rows = await queryRows<{ user_id: string }>(
      manager,
      `INSERT INTO conversation_reads (user_id, conversation_id, workspace_id, last_read_order, last_read_message_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, conversation_id) DO UPDATE
         SET last_read_order = excluded.last_read_order, last_read_message_id = excluded.last_read_message_id, updated_at = now()
         WHERE ${when}
       RETURNING user_id`,
      [userId, conversationId, workspaceId, point.order, point.messageId],
    );
    return rows.length > 0;
  }

  /** Customer messages after the user's read point. */
  async unreadCount(userId: string, workspaceId: string, conversationId: string, manager: EntityManager): Promise<number> {
    const [row] = await queryRows<{ unread: number }>(
      manager,
      `SELECT count(*)::int AS unread FROM messages message
        WHERE message.conversation_id = $2 AND message.workspace_id = $3 AND message.sender = 'customer'
          AND message.stored_order > COALESCE((SELECT last_read_order FROM conversation_reads WHERE user_id = $1 AND conversation_id = $2), 0)`,
      [userId, conversationId, workspaceId],
    );
    return row?.unread ?? 0;
  }

  /** Unread and waiting tallies of the visible, not resolved conversations, per channel, in one query. */
  async tallyByChannel(actor: AuthUser): Promise<ChannelTally[]> {
    const unread = hasUnreadSql('conversation');
    const query = this.dataSource
      .getRepository(ConversationEntity)
      .createQueryBuilder('conversation')
      .select('conversation.channel_id', 'channel_id')
      .addSelect(`count(*) FILTER (WHERE ${unread})::int`, 'unread')
      .addSelect(`count(*) FILTER (WHERE conversation.assignee_id = :attentionUserId AND ${unread})::int`, 'unread_mine')
      .addSelect(`count(*) FILTER (WHERE conversation.assignee_id IS NULL AND ${unread})::int`, 'unread_unassigned')
      .addSelect(`count(*) FILTER (WHERE ${isWaitingSql('conversation')})::int`, 'waiting')
      .where("conversation.status <> 'resolved'")
      .groupBy('conversation.channel_id')
      .setParameter('attentionUserId', actor.id);
    this.access.scope(query, actor, 'conversation');
    const rows = await query.getRawMany<{ channel_id: string; unread: number; unread_mine: number; unread_unassigned: number; waiting: number }>();
    return rows.map((row) => ({
      channelId: row.channel_id,
      unread: row.unread,
      unreadMine: row.unread_mine,
      unreadUnassigned: row.unread_unassigned,
      waiting: row.waiting,
    }));
  }
}
