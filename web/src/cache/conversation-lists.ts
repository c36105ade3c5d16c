import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Conversation, ConversationFilters } from '../api/models';
import { findInList, removeFromList, upsertSorted, type PagedList } from './infinite-lists';
import { queryKeys } from './query-keys';

/** Newest activity first; ties broken by id so the order is stable. */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.lastMessageAt !== b.lastMessageAt) return a.lastMessageAt > b.lastMessageAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/** `q` is judged on what the console holds (the name, the last message): the server also searches older text. */
function matchesSearch(conversation: Conversation, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [conversation.customer.name, conversation.lastMessage?.content].some((field) =>
    field?.toLowerCase().includes(needle),
  );
}

export function matchesConversationFilters(
  conversation: Conversation,
  filters: ConversationFilters,
): boolean {
  if (filters.status && conversation.status !== filters.status) return false;
  if (filters.channelId && conversation.channelId !== filters.channelId) return false;
  if (filters.assigneeId && conversation.assigneeId !== filters.assigneeId) return false;
  if (filters.unread && conversation.unreadCount > 0 !== (filters.unread === 'true')) return false;
  if (filters.waiting && (conversation.waitingSince !== null) !== (filters.waiting === 'true')) return false;
  if (filters.q && !matchesSearch(conversation, filters.q)) return false;
  return true;
}

export function eachCached<T>(
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

/** The console's current copy of a conversation: from any cached list, or its own query. */
export function findConversation(queryClient: QueryClient, id: string): Conversation | undefined {
  for (const [, data] of queryClient.getQueriesData<PagedList<Conversation>>({
    queryKey: queryKeys.conversationLists,
  })) {
    const found = findInList(data, id);
    if (found) return found;
  }
  return queryClient.getQueryData<Conversation>(queryKeys.conversation(id));
}

/** Puts a conversation's new state into every cached list: in place, reordered, or out of a filter it left. */
export function applyConversation(queryClient: QueryClient, conversation: Conversation): void {
  eachCached<PagedList<Conversation>>(queryClient, queryKeys.conversationLists, (data, key) => {
    const filters = (key[1] ?? {}) as ConversationFilters;
    // A search result stays while it is listed: the server matched it on text the console may not hold.
    const listed = filters.q !== undefined && findInList(data, conversation.id) !== undefined;
    return listed || matchesConversationFilters(conversation, filters)
      ? upsertSorted(data, conversation, compareConversations)
      : removeFromList(data, conversation.id);
  });
  if (queryClient.getQueryData(queryKeys.conversation(conversation.id)) !== undefined) {
    queryClient.setQueryData(queryKeys.conversation(conversation.id), conversation);
  }
}
