import type { QueryClient } from '@tanstack/react-query';
import type {
  Conversation,
  ConversationCounts,
  ConversationRead,
  Message,
  SharedConversation,
  User,
} from '../api/models';
import { applyConversation, findConversation } from './conversation-lists';
import { queryKeys } from './query-keys';

/** The server's preview length (docs/api.md: first 200 code points). */
const PREVIEW_CODE_POINTS = 200;

interface Contribution {
  unread: number;
  unreadMine: number;
  unreadUnassigned: number;
  waiting: number;
  channelId: string;
}

/** What one conversation adds to `GET /api/conversations/counts` (resolved ones count for nothing). */
function contribution(conversation: Conversation | undefined, me: string | undefined): Contribution | null {
  if (!conversation || conversation.status === 'resolved') return null;
  const unread = conversation.unreadCount > 0 ? 1 : 0;
  return {
    unread,
    unreadMine: unread && conversation.assigneeId !== null && conversation.assigneeId === me ? 1 : 0,
    unreadUnassigned: unread && conversation.assigneeId === null ? 1 : 0,
    waiting: conversation.waitingSince !== null ? 1 : 0,
    channelId: conversation.channelId,
  };
}

function addTo(counts: ConversationCounts, part: Contribution | null, sign: 1 | -1): ConversationCounts {
  if (!part) return counts;
  const byChannel = { ...counts.byChannel };
  const channel = (byChannel[part.channelId] ?? 0) + sign * part.unread;
  if (channel > 0) byChannel[part.channelId] = channel;
  else delete byChannel[part.channelId];
  return {
    unread: Math.max(0, counts.unread + sign * part.unread),
    unreadMine: Math.max(0, counts.unreadMine + sign * part.unreadMine),
    unreadUnassigned: Math.max(0, counts.unreadUnassigned + sign * part.unreadUnassigned),
    waiting: Math.max(0, counts.waiting + sign * part.waiting),
    byChannel,
  };
}

/** Moves the cached counts by the difference one conversation's change makes. */
function adjustCounts(queryClient: QueryClient, before: Conversation | undefined, after: Conversation): void {
  const me = queryClient.getQueryData<User>(queryKeys.me)?.id;
  queryClient.setQueryData<ConversationCounts>(queryKeys.conversationCounts, (counts) =>
    counts ? addTo(addTo(counts, contribution(before, me), -1), contribution(after, me), 1) : counts,
  );
}

/** The counts of a change to a conversation the console does not hold can only be asked for. */
function recount(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.conversationCounts });
}

/** Applies `change` to the console's copy of a conversation, its lists and the counts. */
export function patchConversation(
  queryClient: QueryClient,
  id: string,
  change: (conversation: Conversation) => Conversation,
): void {
  const known = findConversation(queryClient, id);
  if (!known) {
    recount(queryClient);
    return;
  }
  const next = change(known);
  applyConversation(queryClient, next);
  adjustCounts(queryClient, known, next);
}

/**
 * `new_conversation` / `conversation_updated` go to every agent, so they carry no `unreadCount`: the caller's
 * own stays as it was (a new conversation starts at 0; its messages then count one by one).
 */
export function applySharedConversation(
  queryClient: QueryClient,
  shared: SharedConversation,
  isNew: boolean,
): void {
  const known = findConversation(queryClient, shared.id);
  const next: Conversation = { ...shared, unreadCount: known?.unreadCount ?? 0 };
  applyConversation(queryClient, next);
  if (known || isNew) adjustCounts(queryClient, known, next);
  else recount(queryClient);
}

function preview(message: Message): Conversation['lastMessage'] {
  return {
    id: message.id,
    sender: message.sender,
    content: Array.from(message.content).slice(0, PREVIEW_CODE_POINTS).join(''),
    sentAt: message.sentAt,
    hasAttachments: message.attachments.length > 0,
  };
}

/**
 * A message moves its conversation to the top with a new preview; a customer message starts (or keeps) the
 * wait and, when it arrives over the stream, is one more unread; an agent message that did not fail ends the wait.
 */
export function applyMessageAttention(queryClient: QueryClient, message: Message, arrived: boolean): void {
  if (!findConversation(queryClient, message.conversationId) && !arrived) return;
  patchConversation(queryClient, message.conversationId, (conversation) => {
    const newer = message.sentAt >= conversation.lastMessageAt;
    const fromCustomer = message.sender === 'customer';
    let waitingSince = conversation.waitingSince;
    if (fromCustomer) waitingSince ??= message.sentAt;
    else if (message.status !== 'failed' && newer) waitingSince = null;
    return {
      ...conversation,
      lastMessageAt: newer ? message.sentAt : conversation.lastMessageAt,
      lastMessage:
        newer || conversation.lastMessage?.id === message.id ? preview(message) : conversation.lastMessage,
      waitingSince,
      unreadCount: conversation.unreadCount + (fromCustomer && arrived ? 1 : 0),
    };
  });
}

/** `conversation_read`: this user's read point moved (here or in another browser). */
export function applyConversationRead(queryClient: QueryClient, read: ConversationRead): void {
  patchConversation(queryClient, read.conversationId, (conversation) => ({
    ...conversation,
    unreadCount: read.unreadCount,
  }));
}
