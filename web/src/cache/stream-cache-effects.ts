import type { QueryClient } from '@tanstack/react-query';
import type { Channel, Conversation, Customer, Message, User } from '../api/models';
import type { StreamEvent } from '../api/models';
import {
  applyConversationRead,
  applyMessageAttention,
  applySharedConversation,
} from './conversation-attention';
import { eachCached } from './conversation-lists';
import { findInList, removeFromList, upsertFirst, type PagedList } from './infinite-lists';
import { upsertMessage } from './message-thread';
import { queryKeys } from './query-keys';

export { applyConversation, compareConversations, matchesConversationFilters } from './conversation-lists';

export function matchesCustomerSearch(customer: Customer, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [customer.name, customer.phone, customer.email].some((field) =>
    field?.toLowerCase().includes(needle),
  );
}

export function applyMessage(queryClient: QueryClient, message: Message): void {
  const key = queryKeys.messages(message.conversationId);
  const thread = queryClient.getQueryData<PagedList<Message>>(key);
  if (thread) queryClient.setQueryData(key, upsertMessage(thread, message));
  applyMessageAttention(queryClient, message, false);
}

/**
 * `message_updated` carries the whole message once its attachments are stored: it replaces the cached copy
 * (the thread shows the image without a reload) but adds nothing when the thread does not hold it.
 */
export function applyMessageUpdated(queryClient: QueryClient, message: Message): void {
  const key = queryKeys.messages(message.conversationId);
  const thread = queryClient.getQueryData<PagedList<Message>>(key);
  if (!thread || !findInList(thread, message.id)) return;
  queryClient.setQueryData(key, upsertMessage(thread, message));
}

export function applyCustomer(queryClient: QueryClient, customer: Customer, created: boolean): void {
  eachCached<PagedList<Customer>>(queryClient, queryKeys.customerLists, (data, key) => {
    const search = typeof key[1] === 'string' ? key[1] : '';
    if (!matchesCustomerSearch(customer, search)) return removeFromList(data, customer.id);
    if (created || findInList(data, customer.id)) return upsertFirst(data, customer);
    return data;
  });
  eachCached<PagedList<Conversation>>(queryClient, queryKeys.conversationLists, (data) => {
    const mentions = data.pages.some((page) => page.items.some((c) => c.customerId === customer.id));
    if (!mentions) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((c) =>
          c.customerId === customer.id
            ? { ...c, customer: { ...c.customer, name: customer.name, avatarUrl: customer.avatarUrl } }
            : c,
        ),
      })),
    };
  });
}

/** What each stream event does to the REST cache: the console never refetches to learn about a change. */
export function applyStreamEvent(queryClient: QueryClient, event: StreamEvent): void {
  switch (event.type) {
    case 'new_conversation':
    case 'conversation_updated':
      applySharedConversation(queryClient, event.data, event.type === 'new_conversation');
      break;
    case 'new_message': {
      const thread = queryClient.getQueryData<PagedList<Message>>(
        queryKeys.messages(event.data.conversationId),
      );
      if (thread)
        queryClient.setQueryData(
          queryKeys.messages(event.data.conversationId),
          upsertMessage(thread, event.data),
        );
      applyMessageAttention(queryClient, event.data, true);
      break;
    }
    case 'message_sent':
      applyMessage(queryClient, event.data);
      break;
    case 'message_updated':
      applyMessageUpdated(queryClient, event.data);
      break;
    case 'conversation_read':
      applyConversationRead(queryClient, event.data);
      break;
    case 'customer_created':
      applyCustomer(queryClient, event.data, true);
      break;
    case 'customer_updated':
      applyCustomer(queryClient, event.data, false);
      break;
    case 'customer_deleted':
      eachCached<PagedList<Customer>>(queryClient, queryKeys.customerLists, (data) =>
        removeFromList(data, event.data.id),
      );
      break;
    case 'channel_updated': {
      const channel = event.data;
      // Health changes (needs_reconnect, a refreshed token) show at once in the inbox banner.
      queryClient.setQueryData<Channel[]>(queryKeys.channels, (list) =>
        list?.map((cached) => (cached.id === channel.id ? { ...cached, ...channel } : cached)),
      );
      break;
    }
    case 'channel_created':
      applyChannelAppeared(queryClient, event.data);
      break;
    case 'channel_deleted':
      applyChannelGone(queryClient, event.data.id);
      break;
    case 'channel_members_changed':
      queryClient.setQueryData(queryKeys.channelMembers(event.data.channelId), event.data);
      break;
    case 'user_created':
    case 'user_updated':
      applyUser(queryClient, event.data);
      break;
    case 'user_deleted':
      queryClient.setQueryData<User[]>(queryKeys.users, (list) => list?.filter((user) => user.id !== event.data.id));
      break;
  }
}

/** A new channel, or one this agent was just added to: its conversations become visible too. */
export function applyChannelAppeared(queryClient: QueryClient, channel: Channel): void {
  queryClient.setQueryData<Channel[]>(queryKeys.channels, (list) =>
    list && [...list.filter((cached) => cached.id !== channel.id), channel],
  );
  void queryClient.invalidateQueries({ queryKey: queryKeys.conversationLists });
  void queryClient.invalidateQueries({ queryKey: queryKeys.conversationCounts });
}

/** A deleted channel, or one this agent was removed from: it and its conversations leave the screens. */
export function applyChannelGone(queryClient: QueryClient, channelId: string): void {
  queryClient.setQueryData<Channel[]>(queryKeys.channels, (list) => list?.filter((cached) => cached.id !== channelId));
  queryClient.removeQueries({ queryKey: queryKeys.channelMembers(channelId) });
  eachCached<PagedList<Conversation>>(queryClient, queryKeys.conversationLists, (data) => ({
    ...data,
    pages: data.pages.map((page) => ({ ...page, items: page.items.filter((c) => c.channelId !== channelId) })),
  }));
  void queryClient.invalidateQueries({ queryKey: queryKeys.conversationCounts });
}

export function applyUser(queryClient: QueryClient, user: User): void {
  queryClient.setQueryData<User[]>(queryKeys.users, (list) =>
    list && (list.some((cached) => cached.id === user.id)
      ? list.map((cached) => (cached.id === user.id ? user : cached))
      : [...list, user]),
  );
}
