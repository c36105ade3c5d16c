import type { ConversationFilters } from '../api/models';

/** Every cached REST answer the console keeps, and the stream updates in place. */
export const queryKeys = {
  me: ['me'] as const,
  users: ['users'] as const,
  channels: ['channels'] as const,
  channelMembers: (channelId: string) => ['channel-members', channelId] as const,
  conversationLists: ['conversations'] as const,
  conversations: (filters: ConversationFilters) => ['conversations', filters] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (conversationId: string) => ['messages', conversationId] as const,
  customerLists: ['customers'] as const,
  conversationCounts: ['conversation-counts'] as const,
  presence: ['presence'] as const,
  customers: (search: string) => ['customers', search] as const,
};
