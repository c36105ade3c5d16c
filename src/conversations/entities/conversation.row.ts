import type { Platform } from '../../channels/entities/channel.entity.js';
import type { CustomerEntity } from '../../customers/entities/customer.entity.js';
import type { ConversationEntity, ConversationStatus } from './conversation.entity.js';

/** A `conversations` row as raw SQL (`RETURNING *`) gives it. */
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

/** `customer` is the conversation's customer, loaded as the views expect it. */
export function conversationFromRow(row: ConversationRow, customer: CustomerEntity): ConversationEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    customerId: row.customer_id,
    customer,
    platform: row.platform,
    threadKey: row.thread_key,
    status: row.status,
    assigneeId: row.assignee_id,
    lastMessageAt: row.last_message_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
