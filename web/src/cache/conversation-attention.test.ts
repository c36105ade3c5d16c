import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, ConversationCounts, SharedConversation, StreamEvent, User } from '../api/models';
import { conversation, message, paged } from '../test/fixtures';
import { listItems, type PagedList } from './infinite-lists';
import { queryKeys } from './query-keys';
import { applyStreamEvent } from './stream-cache-effects';

const me: User = { id: 'me', email: 'me@example.com', name: 'Me', role: 'agent', workspaceId: 'w' };
let queryClient: QueryClient;
let eventId = 100;

function apply(type: StreamEvent['type'], data: unknown): void {
  applyStreamEvent(queryClient, { id: String(++eventId), type, data } as StreamEvent);
}
const counts = (): ConversationCounts | undefined =>
  queryClient.getQueryData<ConversationCounts>(queryKeys.conversationCounts);
const listed = (filters = {}): Conversation[] =>
  listItems(queryClient.getQueryData<PagedList<Conversation>>(queryKeys.conversations(filters)));
/** Conversation events carry no caller-specific unreadCount. */
function withoutUnread(full: Conversation): SharedConversation {
  const copy: Partial<Conversation> = { ...full };
  delete copy.unreadCount;
  return copy as SharedConversation;
}
const EMPTY: ConversationCounts = {
  unread: 0,
  unreadMine: 0,
  unreadUnassigned: 0,
  waiting: 0,
  byChannel: {},
};

beforeEach(() => {
  queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.me, me);
});

describe('attention in the cache', () => {
  it('a customer message counts as unread, starts the wait and becomes the preview; reading ends the unread', () => {
    const chat = conversation({ id: 'c-1', channelId: 'ch-1', assigneeId: 'me' });
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [chat], nextCursor: null }));
    queryClient.setQueryData(
      queryKeys.conversations({ unread: 'true' }),
      paged({ items: [], nextCursor: null }),
    );
    queryClient.setQueryData(queryKeys.conversationCounts, EMPTY);

    const photo = message({
      id: 'm-1',
      conversationId: 'c-1',
      content: 'Here is a photo',
      sentAt: '2026-01-01T11:00:00.000Z',
      attachments: [{ type: 'image', url: '/x', mediaId: null, name: null, mimeType: null, size: null, originalUrl: null }],
    });
    apply('new_message', photo);
    apply('new_message', {
      ...photo,
      id: 'm-2',
      content: 'Hello?',
      attachments: [],
      sentAt: '2026-01-01T11:01:00.000Z',
    });

    expect(listed()[0]).toMatchObject({
      unreadCount: 2,
      waitingSince: '2026-01-01T11:00:00.000Z',
      lastMessageAt: '2026-01-01T11:01:00.000Z',
      lastMessage: { id: 'm-2', content: 'Hello?', hasAttachments: false, sender: 'customer' },
    });
    expect(listed({ unread: 'true' }).map((c) => c.id)).toEqual(['c-1']);
    expect(counts()).toEqual({
      unread: 1,
      unreadMine: 1,
      unreadUnassigned: 0,
      waiting: 1,
      byChannel: { 'ch-1': 1 },
    });

    apply('conversation_read', { conversationId: 'c-1', unreadCount: 0, lastReadMessageId: 'm-2' });
    expect(listed()[0].unreadCount).toBe(0);
    expect(listed({ unread: 'true' })).toEqual([]);
    expect(counts()).toEqual({ ...EMPTY, waiting: 1 });
  });

  it('an agent reply ends the wait; a failed one does not', () => {
    const chat = conversation({ id: 'c-2', waitingSince: '2026-01-01T10:00:00.000Z' });
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [chat], nextCursor: null }));
    queryClient.setQueryData(queryKeys.conversationCounts, { ...EMPTY, waiting: 1 });
    const reply = message({
      id: 'r-1',
      conversationId: 'c-2',
      sender: 'agent',
      sentAt: '2026-01-01T10:05:00.000Z',
    });
    apply('message_sent', { ...reply, status: 'failed' });
    expect(listed()[0].waitingSince).toBe('2026-01-01T10:00:00.000Z');
    apply('message_sent', { ...reply, id: 'r-2', status: 'sent' });
    expect(listed()[0]).toMatchObject({ waitingSince: null, unreadCount: 0 });
    expect(counts()).toEqual(EMPTY);
  });

  it('conversation events keep the caller’s unreadCount and move the counts by assignee and status', () => {
    const chat = conversation({ id: 'c-3', channelId: 'ch-2', unreadCount: 3 });
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [chat], nextCursor: null }));
    queryClient.setQueryData(queryKeys.conversationCounts, {
      ...EMPTY,
      unread: 1,
      unreadUnassigned: 1,
      byChannel: { 'ch-2': 1 },
    });
    const shared = withoutUnread({ ...chat, assigneeId: 'me' });
    apply('conversation_updated', shared);
    expect(listed()[0]).toMatchObject({ assigneeId: 'me', unreadCount: 3 });
    expect(counts()).toEqual({ ...EMPTY, unread: 1, unreadMine: 1, byChannel: { 'ch-2': 1 } });
    apply('conversation_updated', { ...shared, status: 'resolved' });
    expect(counts()).toEqual(EMPTY);
  });

  it('a change to a conversation the console does not hold refetches the counts', async () => {
    let asked = 0;
    const observer = new QueryObserver(queryClient, {
      queryKey: queryKeys.conversationCounts,
      queryFn: () => {
        asked += 1;
        return EMPTY;
      },
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.waitFor(() => expect(counts()).toEqual(EMPTY));
    apply('new_message', message({ conversationId: 'unknown' }));
    await vi.waitFor(() => expect(asked).toBe(2));
    unsubscribe();
  });

  it('a new conversation starts at 0 unread and its first message counts', () => {
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [], nextCursor: null }));
    queryClient.setQueryData(queryKeys.conversationCounts, EMPTY);
    const shared = withoutUnread(conversation({ id: 'c-4', channelId: 'ch-3' }));
    apply('new_conversation', shared);
    expect(listed()[0].unreadCount).toBe(0);
    apply('new_message', message({ conversationId: 'c-4', sentAt: '2026-01-01T12:00:00.000Z' }));
    expect(counts()).toMatchObject({ unread: 1, unreadUnassigned: 1, waiting: 1, byChannel: { 'ch-3': 1 } });
  });
});
