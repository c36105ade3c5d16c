import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Platform } from '../channels/entities/channel.entity.js';
import type { MessageAttachment, MessageSender, MessageStatus } from '../messages/entities/message.entity.js';
import {
  queryRows,
  type ConversationRow,
  type CustomerRow,
  type IdentityRow,
  type MessageRow,
} from '../platforms/inbox-rows.js';

export interface ChannelRef {
  id: string;
  workspaceId: string;
  platform: Platform;
}

export interface NewInboundMessage {
  conversationId: string;
  sender: MessageSender;
  content: string;
  attachments: MessageAttachment[];
  sentAt: Date;
  platformMessageId: string;
  status: MessageStatus;
}

export interface FoundConversation {
  row: ConversationRow;
  customerName: string | null;
  /** The customer was deleted (its identities are gone): the next message makes a new customer. */
  customerDeleted: boolean;
}

/** Which statuses a receipt may move forward from (never backwards). */
const RECEIPT_FROM: Record<'delivered' | 'read', MessageStatus[]> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
};

/**
 * Every query of inbound ingestion, on the caller's transaction. Creation races are settled by the unique
 * constraints (ON CONFLICT), so concurrent deliveries never fail and never create anything twice.
 */
@Injectable()
export class InboundRepository {
  async findCustomerByIdentity(
    manager: EntityManager,
    channelId: string,
    externalUserId: string,
  ): Promise<CustomerRow | null> {
    const rows: CustomerRow[] = await queryRows(
      manager,
      `SELECT c.* FROM customer_identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.channel_id = $1 AND i.external_user_id = $2`,
      [channelId, externalUserId],
    );
    return rows[0] ?? null;
  }

  /**
   * Creates a customer with its platform identity, or returns null when another transaction created the
   * identity first (our customer row is then removed again, inside this transaction).
   */
  async createCustomerWithIdentity(
    manager: EntityManager,
    channel: ChannelRef,
    externalUserId: string,
    name: string | null,
  ): Promise<{ customer: CustomerRow; identity: IdentityRow } | null> {
    const [customer]: CustomerRow[] = await queryRows(
      manager,
      `INSERT INTO customers (workspace_id, name) VALUES ($1, $2) RETURNING *`,
      [channel.workspaceId, name],
    );
    const identities: IdentityRow[] = await queryRows(
      manager,
      `INSERT INTO customer_identities (customer_id, workspace_id, channel_id, platform, external_user_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT customer_identities_channel_user_key DO NOTHING RETURNING *`,
      [customer.id, channel.workspaceId, channel.id, channel.platform, externalUserId],
    );
    if (identities.length === 0) {
      await manager.query(`DELETE FROM customers WHERE id = $1`, [customer.id]);
      return null;
    }
    return { customer, identity: identities[0] };
  }

  /**
   * With `lock`, the conversation row is locked (FOR NO KEY UPDATE) before anything else of the delivery
   * touches it: taking the lock only after inserting a message (whose foreign key holds a KEY SHARE lock)
   * would be a lock upgrade, and concurrent deliveries to one thread would deadlock.
   */
  async findConversation(
    manager: EntityManager,
    channelId: string,
    threadKey: string,
    lock = false,
  ): Promise<FoundConversation | null> {
    const rows: Array<ConversationRow & { customer_name: string | null; customer_deleted: boolean }> =
      await queryRows(
        manager,
        `SELECT conv.*, cust.name AS customer_name, cust.deleted_at IS NOT NULL AS customer_deleted FROM conversations conv JOIN customers cust ON cust.id = conv.customer_id
        WHERE conv.channel_id = $1 AND conv.thread_key = $2${lock ? ' FOR NO KEY UPDATE OF conv' : ''}`,
        [channelId, threadKey],
      );
    const found = rows[0];
    if (!found) return null;
    const { customer_name: customerName, customer_deleted: customerDeleted, ...row } = found;
    return { row, customerName, customerDeleted };
  }

  /** Points a thread whose customer was deleted at the new customer its next message created. */
  async relinkConversation(
    manager: EntityManager,
    conversationId: string,
    customerId: string,
  ): Promise<ConversationRow> {
    const [row] = await queryRows<ConversationRow>(
      manager,
      `UPDATE conversations SET customer_id = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [conversationId, customerId],
    );
    return row;
  }

  /** Null when the thread's conversation already exists (created concurrently). */
  async insertConversation(
    manager: EntityManager,
    channel: ChannelRef,
    threadKey: string,
    customerId: string,
    lastMessageAt: Date,
  ): Promise<ConversationRow | null> {
    const rows: ConversationRow[] = await queryRows(
      manager,
      `INSERT INTO conversations (workspace_id, channel_id, customer_id, platform, thread_key, status, last_message_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6)
       ON CONFLICT ON CONSTRAINT conversations_channel_thread_key DO NOTHING RETURNING *`,
      [channel.workspaceId, channel.id, customerId, channel.platform, threadKey, lastMessageAt],
    );
    return rows[0] ?? null;
  }

  /**
   * Inserts the message and, in the same statement, moves the (already locked) conversation's lastMessageAt
   * forward and reopens it when asked. Null when (channel, platform message id) is already stored: a
   * redelivery or a concurrent duplicate, and then the conversation is left untouched.
   */
  async insertMessage(
    manager: EntityManager,
    channel: ChannelRef,
    message: NewInboundMessage,
    reopen: boolean,
  ): Promise<{
    message: MessageRow;
    conversation: Pick<ConversationRow, 'status' | 'last_message_at' | 'updated_at'>;
  } | null> {
    const rows = await queryRows<
      MessageRow & {
        conversation_status: ConversationRow['status'];
        conversation_last_message_at: Date;
        conversation_updated_at: Date;
      }
    >(
      manager,
      `WITH inserted AS (
         INSERT INTO messages (workspace_id, channel_id, conversation_id, sender, content, attachments, sent_at, platform_message_id, status)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
         ON CONFLICT (channel_id, platform_message_id) WHERE platform_message_id IS NOT NULL DO NOTHING
         RETURNING *
       ), touched AS (
         UPDATE conversations
            SET last_message_at = GREATEST(last_message_at, $7),
                status = CASE WHEN $10 AND status = 'resolved' THEN 'open' ELSE status END,
                updated_at = now()
          WHERE id = $3 AND EXISTS (SELECT 1 FROM inserted)
         RETURNING status, last_message_at, updated_at
       )
       SELECT inserted.*, touched.status AS conversation_status, touched.last_message_at AS conversation_last_message_at,
              touched.updated_at AS conversation_updated_at
         FROM inserted CROSS JOIN touched`,
      [
        channel.workspaceId,
        channel.id,
        message.conversationId,
        message.sender,
        message.content,
        JSON.stringify(message.attachments),
        message.sentAt,
        message.platformMessageId,
        message.status,
        reopen,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    const {
      conversation_status: status,
      conversation_last_message_at: lastMessageAt,
      conversation_updated_at: updatedAt,
      ...inserted
    } = row;
    return {
      message: inserted,
      conversation: { status, last_message_at: lastMessageAt, updated_at: updatedAt },
    };
  }

  async messageExists(
    manager: EntityManager,
    channelId: string,
    platformMessageId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await queryRows(
      manager,
      `SELECT 1 FROM messages WHERE channel_id = $1 AND platform_message_id = $2`,
      [channelId, platformMessageId],
    );
    return rows.length > 0;
  }

  /**
   * The echo of one of our own messages, named by id (Facebook metadata): records its platform id and, if the
   * send response has not been recorded yet, moves it to `sent`. Null when there is nothing to record.
   */
  async recordEchoOnOwnMessage(
    manager: EntityManager,
    channelId: string,
    messageId: string,
    platformMessageId: string,
  ): Promise<{ row: MessageRow; statusChanged: boolean } | 'already_recorded' | null> {
    const current: Array<Pick<MessageRow, 'platform_message_id' | 'status'>> = await queryRows(
      manager,
      `SELECT platform_message_id, status FROM messages WHERE id = $1 AND channel_id = $2 AND sender = 'agent' FOR UPDATE`,
      [messageId, channelId],
    );
    if (current.length === 0) return null;
    if (current[0].platform_message_id === platformMessageId) return 'already_recorded';
    if (current[0].platform_message_id !== null) return null;
    const rows: Array<MessageRow & { status_changed: boolean }> = await queryRows(
      manager,
      `UPDATE messages SET platform_message_id = $2,
              status = CASE WHEN status IN ('pending', 'failed') THEN 'sent' ELSE status END,
              error = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE error END,
              next_attempt_at = NULL, updated_at = now()
        WHERE id = $1 RETURNING *, (status = 'sent' AND $3::text IN ('pending', 'failed')) AS status_changed`,
      [messageId, platformMessageId, current[0].status],
    );
    const { status_changed: statusChanged, ...row } = rows[0];
    return { row, statusChanged };
  }

  /**
   * The echo of an API send that carries no id of ours (Zalo, TikTok): the oldest claimed, still pending
   * agent message of the conversation with the same text is the one in flight. Locked, so the sender's own
   * status update waits and then finds it already sent.
   */
  async recordEchoOnInFlightMessage(
    manager: EntityManager,
    conversationId: string,
    content: string,
    platformMessageId: string,
  ): Promise<MessageRow | null> {
    const rows: MessageRow[] = await queryRows(
      manager,
      `UPDATE messages SET platform_message_id = $3, status = 'sent', error = NULL, next_attempt_at = NULL, updated_at = now()
        WHERE id = (SELECT id FROM messages
                     WHERE conversation_id = $1 AND sender = 'agent' AND status = 'pending' AND platform_message_id IS NULL
                       AND send_attempts > 0 AND content = $2
                     ORDER BY created_at LIMIT 1 FOR UPDATE)
          AND status = 'pending'
        RETURNING *`,
      [conversationId, content, platformMessageId],
    );
    return rows[0] ?? null;
  }

  /** Receipts by platform message id (Zalo). */
  async applyReceiptByIds(
    manager: EntityManager,
    channelId: string,
    platformMessageIds: string[],
    status: 'delivered' | 'read',
  ): Promise<MessageRow[]> {
    return queryRows(
      manager,
      `UPDATE messages SET status = $3, updated_at = now()
        WHERE channel_id = $1 AND platform_message_id = ANY($2::text[]) AND sender = 'agent' AND status = ANY($4::text[])
        RETURNING *`,
      [channelId, platformMessageIds, status, RECEIPT_FROM[status]],
    );
  }

  /** Receipts by watermark on a thread (Facebook, TikTok), plus any ids the receipt names. */
  async applyReceiptByWatermark(
    manager: EntityManager,
    channelId: string,
    threadKey: string,
    watermark: Date | null,
    platformMessageIds: string[],
    status: 'delivered' | 'read',
  ): Promise<MessageRow[]> {
    return queryRows(
      manager,
      `UPDATE messages m SET status = $5, updated_at = now()
         FROM conversations c
        WHERE c.channel_id = $1 AND c.thread_key = $2 AND m.conversation_id = c.id
          AND m.sender = 'agent' AND m.status = ANY($6::text[])
          AND (m.sent_at <= $3 OR m.platform_message_id = ANY($4::text[]))
        RETURNING m.*`,
      [channelId, threadKey, watermark, platformMessageIds, status, RECEIPT_FROM[status]],
    );
  }
}
