import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import { MessageEntity } from './entities/message.entity.js';

export interface NewAgentMessage {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  senderUserId: string;
  content: string;
  clientMessageId: string | null;
}

/** Every query on messages. Callers check the conversation's visibility first (ConversationsRepository). */
@Injectable()
export class MessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The newest `limit` messages older than `before`, in newest-first order, and the cursor further back. */
  pageNewestFirst(conversationId: string, limit: number, before?: string): Promise<Page<MessageEntity>> {
    const query = this.dataSource
      .getRepository(MessageEntity)
      .createQueryBuilder('message')
      .where('message.conversation_id = :conversationId', { conversationId });
    return fetchNewestFirst(query, { alias: 'message', timeColumn: 'sent_at' }, limit, before);
  }

  /**
   * Inserts a `pending` agent reply, due for the outbound sender now. With a clientMessageId already used in
   * this conversation nothing is inserted and null is returned (ON CONFLICT, so a concurrent duplicate never
   * raises a unique violation and never aborts the transaction).
   */
  async insertPendingUnlessDuplicate(
    message: NewAgentMessage,
    manager: EntityManager,
  ): Promise<MessageEntity | null> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO messages
         (workspace_id, channel_id, conversation_id, sender, sender_user_id, content, attachments, sent_at, status,
          client_message_id, next_attempt_at)
       VALUES ($1, $2, $3, 'agent', $4, $5, '[]', now(), 'pending', $6, now())
       ON CONFLICT (conversation_id, client_message_id) WHERE client_message_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        message.workspaceId,
        message.channelId,
        message.conversationId,
        message.senderUserId,
        message.content,
        message.clientMessageId,
      ],
    );
    const [row] = rows;
    return row ? manager.getRepository(MessageEntity).findOneByOrFail({ id: row.id }) : null;
  }

  getByClientMessageId(
    conversationId: string,
    clientMessageId: string,
    manager?: EntityManager,
  ): Promise<MessageEntity | null> {
    return this.manager(manager).getRepository(MessageEntity).findOneBy({ conversationId, clientMessageId });
  }
}
