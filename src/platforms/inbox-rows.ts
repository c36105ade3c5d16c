import type { Platform } from '../channels/entities/channel.entity.js';
import type {
  ConversationEntity,
  ConversationStatus,
} from '../conversations/entities/conversation.entity.js';
import type { CustomerIdentityEntity } from '../customers/entities/customer-identity.entity.js';
import type { CustomerEntity } from '../customers/entities/customer.entity.js';
import type {
  MessageAttachment,
  MessageEntity,
  MessageSender,
  MessageStatus,
} from '../messages/entities/message.entity.js';

/** Raw rows of the inbox tables (as `RETURNING *` gives them) mapped onto the entities the views expect. */
export interface MessageRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  sender: MessageSender;
  sender_user_id: string | null;
  content: string;
  attachments: MessageAttachment[];
  sent_at: Date;
  platform_message_id: string | null;
  status: MessageStatus;
  error: string | null;
  client_message_id: string | null;
  send_attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ConversationRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  customer_id: string;
  platform: Platform;
  thread_key: string;
  status: ConversationStatus;
  assignee_id: string | null;
  last_message_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface CustomerRow {
  id: string;
  workspace_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatar_url: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface IdentityRow {
  id: string;
  customer_id: string;
  workspace_id: string;
  channel_id: string;
  platform: Platform;
  external_user_id: string;
  created_at: Date;
}

export function messageFromRow(row: MessageRow): MessageEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    sender: row.sender,
    senderUserId: row.sender_user_id,
    content: row.content,
    attachments: row.attachments,
    sentAt: row.sent_at,
    platformMessageId: row.platform_message_id,
    status: row.status,
    error: row.error,
    clientMessageId: row.client_message_id,
    sendAttempts: row.send_attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function identityFromRow(row: IdentityRow): CustomerIdentityEntity {
  return {
    id: row.id,
    customerId: row.customer_id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    platform: row.platform,
    externalUserId: row.external_user_id,
    createdAt: row.created_at,
  };
}

export function customerFromRow(row: CustomerRow, identities: IdentityRow[] = []): CustomerEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    notes: row.notes,
    avatarUrl: row.avatar_url,
    identities: identities.map(identityFromRow),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

/** `customerName` is the customer's name, for the view's `customer: {id, name}`. */
export function conversationFromRow(row: ConversationRow, customerName: string | null): ConversationEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    customerId: row.customer_id,
    customer: { id: row.customer_id, name: customerName } as CustomerEntity,
    platform: row.platform,
    threadKey: row.thread_key,
    status: row.status,
    assigneeId: row.assignee_id,
    lastMessageAt: row.last_message_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Postgres error codes the inbound and outbound paths recover from. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const DEADLOCK_DETECTED = '40P01';

export function postgresErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs a statement and returns its rows. TypeORM's postgres driver answers UPDATE/DELETE ... RETURNING with
 * `[rows, affectedCount]` but INSERT/SELECT with the rows; this gives the rows either way.
 */
export async function queryRows<T>(runner: Queryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result = await runner.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return result as T[];
}
