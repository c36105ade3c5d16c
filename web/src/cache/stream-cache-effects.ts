import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Channel, Conversation, ConversationFilters, Customer, Message } from '../api/models';
import type { StreamEvent } from '../api/models';
import { findInList, removeFromList, upsertFirst, upsertSorted, type PagedList } from './infinite-lists';
import { upsertMessage } from './message-thread';
import { queryKeys } from './query-keys';

/** Newest activity first; ties broken by id so the order is stable. */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.lastMessageAt !== b.lastMessageAt) return a.lastMessageAt > b.lastMessageAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

export function matchesConversationFilters(
  conversation: Conversation,
  filters: ConversationFilters,
): boolean {
  if (filters.status && conversation.status !== filters.status) return false;
  if (filters.channelId && conversation.channelId !== filters.channelId) return false;
  if (filters.assigneeId && conversation.assigneeId !== filters.assigneeId) return false;
  return true;
}

export function matchesCustomerSearch(customer: Customer, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [customer.name, customer.phone, customer.email].some((field) =>
    field?.toLowerCase().includes(needle),
  );
}

function eachCached<T>(
  queryClient: QueryClient,
  prefix: QueryKey,
  update: (data: T, key: QueryKey) => T,
): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: prefix })) {
    const data = query.state.data as T | undefined;
    if (data === undefined) continue;
    const next = update(data, query.queryKey);
    if (next !== data) queryClient.setQueryData(query.queryKey, next);
  }
}

/** Puts a conversation's new state into every cached list: in place, reordered, or out of a filter it left. */
export function applyConversation(queryClient: QueryClient, conversation: Conversation): void {
  eachCached<PagedList<Conversation>>(queryClient, queryKeys.conversationLists, (data, key) => {
    const filters = (key[1] ?? {}) as ConversationFilters;
    return matchesConversationFilters(conversation, filters)
      ? upsertSorted(data, conversation, compareConversations)
      : removeFromList(data, conversation.id);
  });
  if (queryClient.getQueryData(queryKeys.conversation(conversation.id)) !== undefined) {
    queryClient.setQueryData(queryKeys.conversation(conversation.id), conversation);
  }
}

/** A message moves its conversation to the top: derived here rather than fetched. */
function touchConversation(queryClient: QueryClient, message: Message): void {
  const lists = queryClient.getQueryCache().findAll({ queryKey: queryKeys.conversationLists });
  for (const query of lists) {
    const known = findInList(query.state.data as PagedList<Conversation> | undefined, message.conversationId);
    if (known && message.sentAt > known.lastMessageAt) {
      applyConversation(queryClient, { ...known, lastMessageAt: message.sentAt });
      return;
    }
  }
}

export function applyMessage(queryClient: QueryClient, message: Message): void {
  const key = queryKeys.messages(message.conversationId);
  const thread = queryClient.getQueryData<PagedList<Message>>(key);
  if (thread) queryClient.setQueryData(key, upsertMessage(thread, message));
  touchConversation(queryClient, message);
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
          c.customerId === customer.id ? { ...c, customer: { id: customer.id, name: customer.name } } : c,
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
      applyConversation(queryClient, event.data);
      break;
    case 'new_message':
    case 'message_sent':
      applyMessage(queryClient, event.data);
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
  }
}
