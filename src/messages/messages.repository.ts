import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ChannelRef, StoredPlatformChannel } from '../channels/entities/platform-channel.js';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import type { ConversationStatus } from '../conversations/entities/conversation.entity.js';
import type { ReplyWindowInputs } from '../conversations/reply-window.js';
import { postgresErrorCode, queryRows, UNIQUE_VIOLATION } from '../database/postgres-errors.js';
import {
  MessageEntity,
  type MessageAttachment,
  type MessageSender,
  type MessageStatus,
} from './entities/message.entity.js';
import { messageFromRow, type MessageRow } from './entities/message.row.js';
import type { MessagePart } from './message-parts.js';
import { MessagePartsRepository } from './message-parts.repository.js';
import {
  applyEarlyReceipt,
  keepUnmatchedReceipts,
  lockReceiptKeys,
  RECEIPT_FROM,
  type ReceiptStatus,
} from './pending-receipts.js';

export interface NewAgentMessage {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  senderUserId: string;
  content: string;
  attachments: MessageAttachment[];
  clientMessageId: string | null;
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

/** An inbound message as stored, with its conversation's fields the same statement moved. */
export interface InsertedInboundMessage {
  message: MessageEntity;
  conversation: {
    status: ConversationStatus;
    lastMessageAt: Date;
    updatedAt: Date;
    lastCustomerMessageAt: Date | null;
    agentMessagesSinceCustomer: number;
  };
}

/** A customer's message for the multi-row insert: its channel and (locked) conversation are known. */
export interface NewCustomerMessage {
  channel: ChannelRef;
  conversationId: string;
  content: string;
  attachments: MessageAttachment[];
  sentAt: Date;
  platformMessageId: string;
}

/** The conversation's fields an inbound insert moved, returned beside the message row. */
interface TouchedConversationColumns {
  conversation_status: ConversationStatus;
  conversation_last_message_at: Date;
  conversation_updated_at: Date;
  conversation_last_customer_message_at: Date | null;
  conversation_agent_messages_since_customer: number;
}

function insertedFromRow(row: MessageRow & TouchedConversationColumns): InsertedInboundMessage {
  const {
    conversation_status: status,
    conversation_last_message_at: lastMessageAt,
    conversation_updated_at: updatedAt,
    conversation_last_customer_message_at: lastCustomerMessageAt,
    conversation_agent_messages_since_customer: agentMessagesSinceCustomer,
    ...inserted
  } = row;
  return {
    message: messageFromRow(inserted),
    conversation: { status, lastMessageAt, updatedAt, lastCustomerMessageAt, agentMessagesSinceCustomer },
  };
}

/** The echo of one of our messages, recorded on it; `statusChanged` when it moved it to `sent`. */
export interface RecordedEcho {
  message: MessageEntity;
  statusChanged: boolean;
}

export type { ReceiptStatus } from './pending-receipts.js';

/**
 * Recording an accepted part: `recorded` (and `completed`, now `sent`, when it was the last), `already_recorded`
 * (its id was known), or `not_pending` (the message moved on: sent from its echoes, or failed).
 */
export interface AcceptedPart {
  outcome: 'recorded' | 'already_recorded' | 'not_pending';
  completed: MessageEntity | null;
}

/** A claimed agent message with what sending it needs. */
export interface ClaimedMessage {
  message: MessageEntity;
  threadKey: string;
  channel: StoredPlatformChannel;
  /** The conversation's reply-window inputs at claim time (the message type and tag follow from them). */
  replyWindow: ReplyWindowInputs;
}

interface ClaimedRow extends MessageRow {
  thread_key: string;
  last_customer_message_at: Date | null;
  human_agent_tag: boolean;
  platform: StoredPlatformChannel['platform'];
  channel_external_id: string;
  credentials_encrypted: string;
}

/**
 * The reply-window inputs an inbound message moves ($4 sender, $7 its time): a customer message starts the
 * window again (when it is the newest), an agent message from elsewhere counts against TikTok's cap.
 */
const REPLY_WINDOW_ON_INBOUND = `
  agent_messages_since_customer = CASE
    WHEN $4 = 'customer' AND (last_customer_message_at IS NULL OR $7 >= last_customer_message_at) THEN 0
    WHEN $4 = 'agent' AND (last_customer_message_at IS NULL OR $7 > last_customer_message_at)
      THEN agent_messages_since_customer + 1
    ELSE agent_messages_since_customer END,
  last_customer_message_at = CASE WHEN $4 = 'customer' THEN GREATEST(last_customer_message_at, $7)
    ELSE last_customer_message_at END`;

/**
 * Customer messages ($1..$7: workspace, channel, conversation, content, attachments, sent at, platform id, one
 * array element per message) inserted in one statement, ids in input order. Each touched conversation is then
 * updated ONCE with the latest of its new messages, which moves it exactly as those customer messages one by one
 * would (REPLY_WINDOW_ON_INBOUND with sender 'customer': a resolved conversation reopens, the window restarts
 * when one of them is the newest customer message, lastMessageAt and lastCustomerMessageAt take the latest).
 */
const CUSTOMER_MESSAGES_INSERT = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
      WITH ORDINALITY AS batch (workspace_id, channel_id, conversation_id, content, attachments, sent_at, platform_message_id, position)
  ), inserted AS (
    INSERT INTO messages (workspace_id, channel_id, conversation_id, sender, content, attachments, sent_at, platform_message_id, status)
    SELECT workspace_id, channel_id, conversation_id, 'customer', content, attachments::jsonb, sent_at, platform_message_id, 'received'
      FROM input ORDER BY position
    ON CONFLICT (channel_id, platform_message_id) WHERE platform_message_id IS NOT NULL DO NOTHING
    RETURNING *
  ), latest AS (
    SELECT conversation_id, workspace_id, max(sent_at) AS sent_at FROM inserted GROUP BY conversation_id, workspace_id
  ), touched AS (
    UPDATE conversations c
       SET last_message_at = GREATEST(c.last_message_at, latest.sent_at),
           status = CASE WHEN c.status = 'resolved' THEN 'open' ELSE c.status END,
           agent_messages_since_customer = CASE
             WHEN c.last_customer_message_at IS NULL OR latest.sent_at >= c.last_customer_message_at THEN 0
             ELSE c.agent_messages_since_customer END,
           last_customer_message_at = GREATEST(c.last_customer_message_at, latest.sent_at),
           updated_at = now()
      FROM latest
     WHERE c.id = latest.conversation_id AND c.workspace_id = latest.workspace_id
    RETURNING c.id, c.status, c.last_message_at, c.updated_at, c.last_customer_message_at, c.agent_messages_since_customer
  )
  SELECT inserted.*, touched.status AS conversation_status, touched.last_message_at AS conversation_last_message_at,
         touched.updated_at AS conversation_updated_at,
         touched.last_customer_message_at AS conversation_last_customer_message_at,
         touched.agent_messages_since_customer AS conversation_agent_messages_since_customer
    FROM inserted JOIN touched ON touched.id = inserted.conversation_id`;

/** The message `id` was sent in parts and one of them has a platform id among `ids` on channel $1. */
function holdsPartId(id: string, ids: string): string {
  return `${id} IN (SELECT p.message_id FROM message_parts p WHERE p.channel_id = $1 AND p.platform_message_id = ANY(${ids}::text[]))`;
}

/** The agent message (alias `failed`) counts in the conversation's (alias c) current reply window. */
const COUNTED_IN_WINDOW = `(c.last_customer_message_at IS NULL OR failed.sent_at > c.last_customer_message_at)`;

/**
 * Every query on messages, each scoped by workspace. REST callers check the conversation's visibility first
 * (ConversationsRepository). Inbound ingestion settles creation races with the unique constraints (ON
 * CONFLICT), so concurrent deliveries never fail and never store anything twice.
 *
 * The durable send queue is the messages table itself: a `pending` agent message whose `next_attempt_at` is
 * due is work. Claiming bumps `next_attempt_at` by a lease under FOR UPDATE SKIP LOCKED, so several instances
 * never claim one message at the same time; a crash mid-send releases it when the lease expires.
 */
@Injectable()
export class MessagesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly parts: MessagePartsRepository,
  ) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The newest `limit` messages older than `before`, in newest-first order, and the cursor further back. */
  pageNewestFirst(
    workspaceId: string,
    conversationId: string,
    limit: number,
    before?: string,
  ): Promise<Page<MessageEntity>> {
    const query = this.dataSource
      .getRepository(MessageEntity)
      .createQueryBuilder('message')
      .where('message.conversation_id = :conversationId AND message.workspace_id = :workspaceId', {
        conversationId,
        workspaceId,
      });
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
       VALUES ($1, $2, $3, 'agent', $4, $5, $7::jsonb, now(), 'pending', $6, now())
       ON CONFLICT (conversation_id, client_message_id) WHERE client_message_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        message.workspaceId,
        message.channelId,
        message.conversationId,
        message.senderUserId,
        message.content,
        message.clientMessageId,
        JSON.stringify(message.attachments),
      ],
    );
    const [row] = rows;
    return row
      ? manager.getRepository(MessageEntity).findOneByOrFail({ id: row.id, workspaceId: message.workspaceId })
      : null;
  }

  getByClientMessageId(
    workspaceId: string,
    conversationId: string,
    clientMessageId: string,
    manager?: EntityManager,
  ): Promise<MessageEntity | null> {
    return this.manager(manager)
      .getRepository(MessageEntity)
      .findOneBy({ workspaceId, conversationId, clientMessageId });
  }

  /**
   * Inserts an inbound message (webhooks) and, in the same statement, moves the (already locked)
   * conversation's lastMessageAt forward and reopens it when asked. Null when (channel, platform message id)
   * is already stored: a redelivery or a concurrent duplicate, and then the conversation is left untouched.
   */
  async insertInboundUnlessDuplicate(
    manager: EntityManager,
    channel: ChannelRef,
    message: NewInboundMessage,
    reopen: boolean,
  ): Promise<InsertedInboundMessage | null> {
    const rows = await queryRows<MessageRow & TouchedConversationColumns>(
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
                ${REPLY_WINDOW_ON_INBOUND},
                updated_at = now()
          WHERE id = $3 AND workspace_id = $1 AND EXISTS (SELECT 1 FROM inserted)
         RETURNING status, last_message_at, updated_at, last_customer_message_at, agent_messages_since_customer
       )
       SELECT inserted.*, touched.status AS conversation_status, touched.last_message_at AS conversation_last_message_at,
              touched.updated_at AS conversation_updated_at,
              touched.last_customer_message_at AS conversation_last_customer_message_at,
              touched.agent_messages_since_customer AS conversation_agent_messages_since_customer
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
    return rows[0] ? insertedFromRow(rows[0]) : null;
  }

  /**
   * Customer messages into conversations the caller has already locked, in ONE statement: a multi-row insert,
   * then each touched conversation moved once, as the messages one after another would have moved it (see
   * CUSTOMER_MESSAGES_INSERT). One answer per input, in order: null for a message whose (channel, platform
   * message id) is already stored, or repeats an earlier input.
   */
  async insertCustomerMessagesUnlessDuplicate(
    manager: EntityManager,
    messages: ReadonlyArray<NewCustomerMessage>,
  ): Promise<Array<InsertedInboundMessage | null>> {
    const key = (channelId: string, platformMessageId: string): string => `${channelId}\u0000${platformMessageId}`;
    const firstOfKey = new Map<string, number>();
    messages.forEach((message, index) => {
      const messageKey = key(message.channel.id, message.platformMessageId);
      if (!firstOfKey.has(messageKey)) firstOfKey.set(messageKey, index);
    });
    const unique = [...firstOfKey.values()].map((index) => messages[index]);
    const rows = await queryRows<MessageRow & TouchedConversationColumns>(manager, CUSTOMER_MESSAGES_INSERT, [
      unique.map((message) => message.channel.workspaceId),
      unique.map((message) => message.channel.id),
      unique.map((message) => message.conversationId),
      unique.map((message) => message.content),
      unique.map((message) => JSON.stringify(message.attachments)),
      unique.map((message) => message.sentAt),
      unique.map((message) => message.platformMessageId),
    ]);
    const stored = new Map<string, InsertedInboundMessage>();
    for (const row of rows) stored.set(key(row.channel_id, row.platform_message_id ?? ''), insertedFromRow(row));
    return messages.map((message, index) => {
      const messageKey = key(message.channel.id, message.platformMessageId);
      return firstOfKey.get(messageKey) === index ? (stored.get(messageKey) ?? null) : null;
    });
  }

  async existsByPlatformId(
    manager: EntityManager,
    channel: ChannelRef,
    platformMessageId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await queryRows(
      manager,
      `SELECT 1 FROM messages WHERE channel_id = $1 AND platform_message_id = $2 AND workspace_id = $3`,
      [channel.id, platformMessageId, channel.workspaceId],
    );
    // Any part of one of our messages sent in parts is ours too.
    return (
      rows.length > 0 ||
      this.parts.existsByPlatformId(manager, channel.workspaceId, channel.id, platformMessageId)
    );
  }

  /**
   * The echo of one of our own messages, named by id (Facebook metadata): records its platform id and, if the
   * send response has not been recorded yet, moves it to `sent`. Null when there is nothing to record.
   */
  async recordEchoOnOwnMessage(
    manager: EntityManager,
    channel: ChannelRef,
    messageId: string,
    platformMessageId: string,
  ): Promise<RecordedEcho | 'already_recorded' | null> {
    const current: Array<Pick<MessageRow, 'platform_message_id' | 'status'>> = await queryRows(
      manager,
      `SELECT platform_message_id, status FROM messages WHERE id = $1 AND channel_id = $2 AND workspace_id = $3 AND sender = 'agent' FOR UPDATE`,
      [messageId, channel.id, channel.workspaceId],
    );
    if (current.length === 0) return null;
    const parts = await this.parts.listParts(channel.workspaceId, messageId, { manager, lock: true });
    if (parts.length > 0) {
      // Every part echoes our id: the echo is of the part in flight (the first not yet recorded), if any.
      const accepted = await this.acceptPart(manager, channel.workspaceId, messageId, 'in_flight', platformMessageId);
      return accepted.completed ? { message: accepted.completed, statusChanged: true } : 'already_recorded';
    }
    if (current[0].platform_message_id === platformMessageId) return 'already_recorded';
    if (current[0].platform_message_id !== null) return null;
    const rows: Array<MessageRow & { status_changed: boolean }> = await queryRows(
      manager,
      `UPDATE messages SET platform_message_id = $2,
              status = CASE WHEN status IN ('pending', 'failed') THEN 'sent' ELSE status END,
              error = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE error END,
              next_attempt_at = NULL, updated_at = now()
        WHERE id = $1 AND workspace_id = $4 RETURNING *, (status = 'sent' AND $3::text IN ('pending', 'failed')) AS status_changed`,
      [messageId, platformMessageId, current[0].status, channel.workspaceId],
    );
    const { status_changed: statusChanged, ...row } = rows[0];
    if (current[0].status === 'failed') {
      // It went out after all (its failure had given its count back): it counts against TikTok's cap again.
      await manager.query(
        `UPDATE conversations c SET agent_messages_since_customer = c.agent_messages_since_customer + 1
           FROM messages failed
          WHERE failed.id = $1 AND c.id = failed.conversation_id AND c.workspace_id = $2 AND ${COUNTED_IN_WINDOW}`,
        [messageId, channel.workspaceId],
      );
    }
    const afterReceipt = await applyEarlyReceipt(manager, row);
    return {
      message: messageFromRow(afterReceipt),
      statusChanged: statusChanged || afterReceipt.status !== row.status,
    };
  }

  /**
   * The echo of an API send that carries no id of ours (Zalo, TikTok): the oldest claimed, still pending
   * agent message of the conversation with the same text is the one in flight; for a message sent in parts,
   * its part in flight. Locked, so the sender's own status update waits and then finds it already sent.
   * `statusChanged` when the message became `sent` (a part that is not the last leaves it pending).
   */
  async recordEchoOnInFlightMessage(
    manager: EntityManager,
    workspaceId: string,
    conversationId: string,
    content: string,
    platformMessageId: string,
  ): Promise<RecordedEcho | null> {
    const rows: MessageRow[] = await queryRows(
      manager,
      `UPDATE messages SET platform_message_id = $3, status = 'sent', error = NULL, next_attempt_at = NULL, updated_at = now()
        WHERE id = (SELECT id FROM messages
                     WHERE conversation_id = $1 AND workspace_id = $4 AND sender = 'agent' AND status = 'pending'
                       AND platform_message_id IS NULL AND send_attempts > 0 AND content = $2
                       AND NOT EXISTS (SELECT 1 FROM message_parts p WHERE p.message_id = messages.id)
                     ORDER BY created_at LIMIT 1 FOR UPDATE)
          AND status = 'pending'
        RETURNING *`,
      [conversationId, content, platformMessageId, workspaceId],
    );
    if (rows[0]) return { message: messageFromRow(await applyEarlyReceipt(manager, rows[0])), statusChanged: true };
    return this.recordEchoOnPartInFlight(manager, workspaceId, conversationId, content, platformMessageId);
  }

  /** An API echo (no id of ours) of the part in flight of the conversation's oldest claimed message sent in parts. */
  private async recordEchoOnPartInFlight(
    manager: EntityManager,
    workspaceId: string,
    conversationId: string,
    content: string,
    platformMessageId: string,
  ): Promise<RecordedEcho | null> {
    const [inFlight] = await queryRows<MessageRow>(
      manager,
      `SELECT * FROM messages m
        WHERE conversation_id = $1 AND workspace_id = $2 AND sender = 'agent' AND status = 'pending' AND send_attempts > 0
          AND EXISTS (SELECT 1 FROM message_parts p WHERE p.message_id = m.id)
        ORDER BY created_at, id LIMIT 1 FOR UPDATE`,
      [conversationId, workspaceId],
    );
    if (!inFlight) return null;
    const parts = await this.parts.listParts(workspaceId, inFlight.id, { manager, lock: true });
    const next = parts.find((part) => part.platformMessageId === null);
    // The text part echoes its text; a file part echoes no text.
    const fits = next && (next.kind === 'text' ? content === inFlight.content : content === '');
    if (!fits) return null;
    const accepted = await this.acceptPart(manager, workspaceId, inFlight.id, next.index, platformMessageId);
    if (accepted.outcome === 'not_pending') return null;
    return accepted.completed
      ? { message: accepted.completed, statusChanged: true }
      : { message: messageFromRow(inFlight), statusChanged: false };
  }

  /**
   * Records the platform id of an accepted part of a pending message sent in parts (`in_flight`: the first part
   * not yet recorded, for an echo). When every part is recorded the message becomes `sent` with the first
   * part's id, and receipts kept for any part's id apply.
   */
  async acceptPart(
    manager: EntityManager,
    workspaceId: string,
    messageId: string,
    index: number | 'in_flight',
    platformMessageId: string,
  ): Promise<AcceptedPart> {
    const [message] = await queryRows<Pick<MessageRow, 'status'>>(
      manager,
      `SELECT status FROM messages WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
      [messageId, workspaceId],
    );
    if (message?.status !== 'pending') return { outcome: 'not_pending', completed: null };
    const parts = await this.parts.listParts(workspaceId, messageId, { manager, lock: true });
    if (parts.some((part) => part.platformMessageId === platformMessageId))
      return { outcome: 'already_recorded', completed: null };
    const target =
      index === 'in_flight'
        ? parts.find((part) => part.platformMessageId === null)
        : parts.find((part) => part.index === index);
    if (!target || target.platformMessageId !== null) return { outcome: 'already_recorded', completed: null };
    await this.parts.recordAccepted(manager, workspaceId, messageId, target.index, platformMessageId);
    const recorded: MessagePart[] = parts.map((part) =>
      part.index === target.index ? { ...part, platformMessageId } : part,
    );
    if (recorded.some((part) => part.platformMessageId === null)) return { outcome: 'recorded', completed: null };
    const ids = recorded.map((part) => part.platformMessageId as string);
    return { outcome: 'recorded', completed: await this.markSent(manager, workspaceId, messageId, ids[0], ids) };
  }

  /** Extends a claim's lease before each part (a message sent in parts outlasts one send's lease). */
  async renewClaim(workspaceId: string, messageId: string, leaseSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND workspace_id = $2 AND status = 'pending'`,
      [messageId, workspaceId, leaseSeconds],
    );
  }

  /** Receipts by platform message id (Zalo). The changed messages, oldest first. */
  async applyReceiptByIds(
    manager: EntityManager,
    channel: ChannelRef,
    platformMessageIds: string[],
    status: ReceiptStatus,
  ): Promise<MessageEntity[]> {
    await lockReceiptKeys(manager, channel.id, platformMessageIds);
    const rows: MessageRow[] = await queryRows(
      manager,
      `UPDATE messages SET status = $3, updated_at = now()
        WHERE channel_id = $1 AND (platform_message_id = ANY($2::text[]) OR ${holdsPartId('id', '$2')})
          AND sender = 'agent' AND status = ANY($4::text[]) AND workspace_id = $5
        RETURNING *`,
      [channel.id, platformMessageIds, status, RECEIPT_FROM[status], channel.workspaceId],
    );
    await keepUnmatchedReceipts(manager, channel.id, platformMessageIds, status);
    return oldestFirst(rows);
  }

  /**
   * Receipts by watermark on a thread (Facebook, TikTok), plus any ids the receipt names. The changed
   * messages, oldest first.
   */
  async applyReceiptByWatermark(
    manager: EntityManager,
    channel: ChannelRef,
    threadKey: string,
    watermark: Date | null,
    platformMessageIds: string[],
    status: ReceiptStatus,
  ): Promise<MessageEntity[]> {
    await lockReceiptKeys(manager, channel.id, platformMessageIds);
    const rows: MessageRow[] = await queryRows(
      manager,
      `UPDATE messages m SET status = $5, updated_at = now()
         FROM conversations c
        WHERE c.channel_id = $1 AND c.thread_key = $2 AND m.conversation_id = c.id
          AND m.sender = 'agent' AND m.status = ANY($6::text[])
          AND (m.sent_at <= $3 OR m.platform_message_id = ANY($4::text[]) OR ${holdsPartId('m.id', '$4')})
          AND c.workspace_id = $7 AND m.workspace_id = $7
        RETURNING m.*`,
      [
        channel.id,
        threadKey,
        watermark,
        platformMessageIds,
        status,
        RECEIPT_FROM[status],
        channel.workspaceId,
      ],
    );
    await keepUnmatchedReceipts(manager, channel.id, platformMessageIds, status);
    return oldestFirst(rows);
  }

  /**
   * Claims up to `limit` due outbound messages of every workspace (the sender's background work) for
   * `leaseSeconds`. Later writes on a claim pass the workspace id of its message.
   */
  async claimDueOutbound(limit: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
    // Only the oldest pending reply of a conversation is claimable (a later one waits while an earlier one is in
    // flight, backing off or held), and only on an active channel: replies to a channel that needs reconnecting
    // stay pending until it is fixed.
    const rows = await queryRows<ClaimedRow>(
      this.dataSource,
      `WITH due AS (
         SELECT m.id FROM messages m
           JOIN channels due_channel ON due_channel.id = m.channel_id AND due_channel.status = 'active'
          WHERE m.status = 'pending' AND m.sender = 'agent' AND (m.next_attempt_at <= now() OR m.next_attempt_at IS NULL)
            AND NOT EXISTS (
              SELECT 1 FROM messages earlier
               WHERE earlier.conversation_id = m.conversation_id AND earlier.sender = 'agent'
                 AND earlier.status = 'pending' AND (earlier.created_at, earlier.id) < (m.created_at, m.id))
          ORDER BY m.next_attempt_at NULLS FIRST, m.created_at
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED
       ), claimed AS (
         UPDATE messages m SET send_attempts = m.send_attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
           FROM due WHERE m.id = due.id
         RETURNING m.*
       )
       SELECT claimed.*, c.thread_key, c.last_customer_message_at,
              ch.platform, ch.external_id AS channel_external_id, ch.credentials_encrypted, ch.human_agent_tag
         FROM claimed
         JOIN conversations c ON c.id = claimed.conversation_id
         JOIN channels ch ON ch.id = claimed.channel_id
        ORDER BY claimed.created_at`,
      [limit, leaseSeconds],
    );
    return rows.map(
      ({
        thread_key,
        last_customer_message_at,
        platform,
        channel_external_id,
        credentials_encrypted,
        human_agent_tag,
        ...message
      }) => ({
        message: messageFromRow(message),
        threadKey: thread_key,
        channel: {
          id: message.channel_id,
          workspaceId: message.workspace_id,
          platform,
          externalId: channel_external_id,
          credentialsEncrypted: credentials_encrypted,
        },
        replyWindow: {
          platform,
          lastCustomerMessageAt: last_customer_message_at,
          // TikTok's message cap was checked when the reply was queued; at send time only the clock matters.
          agentMessagesSinceCustomer: 0,
          humanAgentTag: human_agent_tag,
        },
      }),
    );
  }

  /**
   * `pending` → `sent`. Null when it is no longer pending (its echo was recorded first). A platform id that
   * an unmatched echo row already holds is not recorded twice: the message is then marked sent without it.
   */
  async markSent(
    manager: EntityManager,
    workspaceId: string,
    messageId: string,
    platformMessageId: string,
    /** A message sent in parts: every part's id, whose kept receipts now apply. */
    partIds: string[] = [platformMessageId],
  ): Promise<MessageEntity | null> {
    await manager.query('SAVEPOINT record_sent');
    try {
      const rows: MessageRow[] = await queryRows(
        manager,
        `UPDATE messages SET status = 'sent', platform_message_id = $2, error = NULL, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND workspace_id = $3 AND status = 'pending' RETURNING *`,
        [messageId, platformMessageId, workspaceId],
      );
      await manager.query('RELEASE SAVEPOINT record_sent');
      // A receipt that arrived before this response was kept for the id recorded here: it applies now.
      return rows[0] ? messageFromRow(await applyEarlyReceipt(manager, rows[0], partIds)) : null;
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT record_sent');
      if (postgresErrorCode(error) !== UNIQUE_VIOLATION) throw error;
      const rows: MessageRow[] = await queryRows(
        manager,
        `UPDATE messages SET status = 'sent', error = NULL, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND workspace_id = $2 AND status = 'pending' RETURNING *`,
        [messageId, workspaceId],
      );
      return rows[0] ? messageFromRow(rows[0]) : null;
    }
  }

  /**
   * `pending` → `failed` with a readable error. Null when it is no longer pending. `returnedSlots`: how many
   * counts of TikTok's cap it gave back to its conversation's current window.
   */
  async markFailed(
    manager: EntityManager,
    workspaceId: string,
    messageId: string,
    error: string,
  ): Promise<{ message: MessageEntity; returnedSlots: number } | null> {
    // What never went out does not count against TikTok's cap: each platform message the reply counted when
    // queued and did not send is given back (its parts not accepted; a text without parts is one).
    const rows: Array<MessageRow & { returned_slots: number }> = await queryRows(
      manager,
      `WITH failed AS (
         UPDATE messages SET status = 'failed', error = $2, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND workspace_id = $3 AND status = 'pending' RETURNING *
       ), unsent AS (
         SELECT CASE WHEN count(p.message_id) = 0 THEN 1
                     ELSE count(*) FILTER (WHERE p.platform_message_id IS NULL) END::int AS slots
           FROM failed LEFT JOIN message_parts p ON p.message_id = failed.id AND p.workspace_id = $3
       ), uncounted AS (
         UPDATE conversations c
            SET agent_messages_since_customer = GREATEST(c.agent_messages_since_customer - unsent.slots, 0)
           FROM failed, unsent
          WHERE c.id = failed.conversation_id AND c.workspace_id = $3 AND unsent.slots > 0 AND ${COUNTED_IN_WINDOW}
          RETURNING unsent.slots
       )
       SELECT failed.*, COALESCE((SELECT slots FROM uncounted), 0) AS returned_slots FROM failed`,
      [messageId, error, workspaceId],
    );
    if (!rows[0]) return null;
    const { returned_slots: returnedSlots, ...row } = rows[0];
    return { message: messageFromRow(row), returnedSlots };
  }

  /** A transient failure: stays `pending`, due again after the backoff (no status change, no event). */
  async rescheduleOutbound(workspaceId: string, messageId: string, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET next_attempt_at = now() + make_interval(secs => $2), updated_at = now() WHERE id = $1 AND workspace_id = $3 AND status = 'pending'`,
      [messageId, delayMs / 1000, workspaceId],
    );
  }

  /** Gives an unsent claim back (on shutdown): due now, the attempt not counted. */
  async releaseClaim(workspaceId: string, messageId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE messages SET next_attempt_at = now(), send_attempts = GREATEST(send_attempts - 1, 0) WHERE id = $1 AND workspace_id = $2 AND status = 'pending'`,
      [messageId, workspaceId],
    );
  }
}

/** Status events of one receipt go out in the order the messages were sent. */
function oldestFirst(rows: MessageRow[]): MessageEntity[] {
  return rows
    .sort(
      (a, b) => a.sent_at.getTime() - b.sent_at.getTime() || a.created_at.getTime() - b.created_at.getTime(),
    )
    .map(messageFromRow);
}
