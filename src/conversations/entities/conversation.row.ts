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
  last_customer_message_at: Date | null;
  agent_messages_since_customer: number;
  /** Present when the query selected it (CHANNEL_HUMAN_AGENT_TAG_SQL). */
  channel_human_agent_tag?: boolean;
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
    lastCustomerMessageAt: row.last_customer_message_at,
    agentMessagesSinceCustomer: row.agent_messages_since_customer,
    humanAgentTag: row.channel_human_agent_tag ?? false,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A select-list column giving a raw conversation row its channel's human-agent tag. */
export function channelHumanAgentTagSql(conversationColumn = 'channel_id'): string {
  return `(SELECT ch.human_agent_tag FROM channels ch WHERE ch.id = ${conversationColumn}) AS channel_human_agent_tag`;
}
