/** Shapes of the REST API and the event stream (shared/API.md). */

export type Platform = 'facebook' | 'zalo' | 'tiktok';
export type UserRole = 'admin' | 'agent';
export type ConversationStatus = 'open' | 'pending' | 'resolved';
export type MessageSender = 'customer' | 'agent';
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  workspaceId: string;
}

export interface Channel {
  id: string;
  platform: Platform;
  externalId: string;
  name: string;
}

export interface CustomerIdentity {
  platform: Platform;
  channelId: string;
  externalUserId: string;
}

export interface Customer {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatarUrl: string | null;
  identities: CustomerIdentity[];
  createdAt: string;
  updatedAt: string;
}

export interface Conversation {
  id: string;
  channelId: string;
  customerId: string;
  platform: Platform;
  status: ConversationStatus;
  assigneeId: string | null;
  lastMessageAt: string;
  createdAt: string;
  customer: { id: string; name: string | null };
}

export interface MessageAttachment {
  type: string;
  url: string;
}

export interface Message {
  id: string;
  conversationId: string;
  sender: MessageSender;
  senderUserId?: string | null;
  content: string;
  attachments: MessageAttachment[];
  sentAt: string;
  platformMessageId?: string | null;
  status: MessageStatus;
  error?: string | null;
  clientMessageId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number | string;
  user: User;
}

export interface StreamTicket {
  ticket: string;
  expiresAt: string;
}

export interface ConversationFilters {
  status?: ConversationStatus;
  channelId?: string;
  assigneeId?: string;
}

export interface CustomerInput {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  notes?: string | null;
}
