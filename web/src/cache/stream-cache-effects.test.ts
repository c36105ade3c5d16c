import { QueryClient } from '@tanstack/react-query';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Customer, Message } from '../api/models';
import type { StreamEvent } from '../api/models';
import { conversation, customer, message, paged, attachment } from '../test/fixtures';
import { listItems, type PagedList } from './infinite-lists';
import { threadMessages } from './message-thread';
import { queryKeys } from './query-keys';
import { applyMessageUpdated, applyStreamEvent } from './stream-cache-effects';

let queryClient: QueryClient;
let eventId = 0;

function apply<T extends StreamEvent['type']>(
  type: T,
  data: Extract<StreamEvent, { type: T }>['data'],
): void {
  applyStreamEvent(queryClient, { id: String(++eventId), type, data } as StreamEvent);
}

const conversationsIn = (filters = {}): Conversation[] =>
  listItems(queryClient.getQueryData<PagedList<Conversation>>(queryKeys.conversations(filters)));
const customersIn = (search: string): Customer[] =>
  listItems(queryClient.getQueryData<PagedList<Customer>>(queryKeys.customers(search)));
const thread = (conversationId: string): Message[] =>
  threadMessages(queryClient.getQueryData<PagedList<Message>>(queryKeys.messages(conversationId)));

beforeEach(() => {
  queryClient = new QueryClient();
});

describe('conversation events', () => {
  const older = conversation({ lastMessageAt: '2026-01-01T09:00:00.000Z' });
  const newer = conversation({ lastMessageAt: '2026-01-01T11:00:00.000Z' });

  it('new_conversation goes on top of every list whose filters it matches, and nowhere else', () => {
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [newer, older], nextCursor: null }));
    queryClient.setQueryData(
      queryKeys.conversations({ status: 'resolved' }),
      paged({ items: [], nextCursor: null }),
    );
    const fresh = conversation({ lastMessageAt: '2026-01-01T12:00:00.000Z' });
    apply('new_conversation', fresh);
    apply('new_conversation', fresh); // a replay changes nothing
    expect(conversationsIn().map((c) => c.id)).toEqual([fresh.id, newer.id, older.id]);
    expect(conversationsIn({ status: 'resolved' })).toEqual([]);
  });

  it('conversation_updated updates in place, reorders by newest activity, and leaves lists it no longer matches', () => {
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [newer, older], nextCursor: null }));
    queryClient.setQueryData(
      queryKeys.conversations({ status: 'open' }),
      paged({ items: [newer, older], nextCursor: null }),
    );
    queryClient.setQueryData(
      queryKeys.conversations({ assigneeId: 'me' }),
      paged({ items: [], nextCursor: null }),
    );
    const bumped = {
      ...older,
      lastMessageAt: '2026-01-01T12:00:00.000Z',
      status: 'resolved' as const,
      assigneeId: 'me',
    };
    apply('conversation_updated', bumped);
    expect(conversationsIn()).toEqual([bumped, newer]);
    expect(conversationsIn({ status: 'open' }).map((c) => c.id)).toEqual([newer.id]);
    expect(conversationsIn({ assigneeId: 'me' })).toEqual([bumped]);
  });

  it('does not insert an item that belongs to a page not loaded yet', () => {
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [newer], nextCursor: 'more' }));
    apply('new_conversation', conversation({ lastMessageAt: '2020-01-01T00:00:00.000Z' }));
    expect(conversationsIn().map((c) => c.id)).toEqual([newer.id]);
  });
});

describe('message events', () => {
  it('new_message appends to the open thread once and moves its conversation to the top', () => {
    const quiet = conversation({ lastMessageAt: '2026-01-01T08:00:00.000Z' });
    const busy = conversation({ lastMessageAt: '2026-01-01T09:00:00.000Z' });
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [busy, quiet], nextCursor: null }));
    const first = message({ conversationId: quiet.id, sentAt: '2026-01-01T10:00:00.000Z' });
    queryClient.setQueryData(queryKeys.messages(quiet.id), paged({ items: [], nextCursor: null }));
    const incoming = message({
      conversationId: quiet.id,
      content: 'Is it in stock?',
      sentAt: '2026-01-01T10:00:00.000Z',
    });
    apply('new_message', first);
    apply('new_message', incoming);
    apply('new_message', incoming);
    expect(thread(quiet.id).map((m) => m.content)).toEqual(['hello', 'Is it in stock?']);
    expect(conversationsIn().map((c) => c.id)).toEqual([quiet.id, busy.id]);
    expect(conversationsIn()[0].lastMessageAt).toBe('2026-01-01T10:00:00.000Z');
  });

  it('ignores messages of threads that are not cached', () => {
    apply('new_message', message({ conversationId: 'elsewhere' }));
    expect(queryClient.getQueryData(queryKeys.messages('elsewhere'))).toBeUndefined();
  });

  it('message_sent replaces the optimistic copy (by clientMessageId) and moves pending → sent → delivered → read', () => {
    const optimistic = message({
      id: 'local-abc',
      sender: 'agent',
      status: 'pending',
      clientMessageId: 'abc',
    });
    queryClient.setQueryData(
      queryKeys.messages('conversation-1'),
      paged({ items: [optimistic], nextCursor: null }),
    );
    const stored = { ...optimistic, id: 'm-1', status: 'pending' as const };
    apply('message_sent', stored);
    expect(thread('conversation-1')).toHaveLength(1);
    expect(thread('conversation-1')[0]).toMatchObject({ id: 'm-1', status: 'pending' });
    for (const status of ['sent', 'delivered', 'read'] as const) {
      apply('message_sent', { ...stored, status, platformMessageId: 'mid.1' });
      expect(thread('conversation-1')[0].status).toBe(status);
    }
    apply('message_sent', { ...stored, status: 'pending' }); // a late echo never moves it back
    expect(thread('conversation-1')).toEqual([expect.objectContaining({ id: 'm-1', status: 'read' })]);
  });

  it('message_sent with `failed` carries the error', () => {
    const stored = message({ id: 'm-2', sender: 'agent', status: 'pending', clientMessageId: 'x' });
    queryClient.setQueryData(
      queryKeys.messages('conversation-1'),
      paged({ items: [stored], nextCursor: null }),
    );
    apply('message_sent', { ...stored, status: 'failed', error: 'Page token expired' });
    expect(thread('conversation-1')[0]).toMatchObject({ status: 'failed', error: 'Page token expired' });
  });
});

describe('message_updated', () => {
  it('replaces the cached message with the one whose attachments are stored', () => {
    const pending = message({
      id: 'm-img',
      conversationId: 'c-1',
      content: '',
      attachments: [
        attachment({ url: 'https://cdn.example/a.jpg', originalUrl: 'https://cdn.example/a.jpg' }),
      ],
    });
    const other = message({ id: 'm-2', conversationId: 'c-1' });
    queryClient.setQueryData(queryKeys.messages('c-1'), paged({ items: [pending, other], nextCursor: null }));
    const storedAttachment = {
      type: 'image',
      url: '/api/media/media-1',
      mediaId: 'media-1',
      name: 'a.jpg',
      mimeType: 'image/jpeg',
      size: 10,
      originalUrl: 'https://cdn.example/a.jpg',
    };
    applyMessageUpdated(queryClient, { ...pending, attachments: [storedAttachment] });
    expect(thread('c-1').map((m) => m.id)).toEqual(['m-img', 'm-2']);
    expect(thread('c-1')[0].attachments).toEqual([storedAttachment]);
  });

  it('adds nothing to a thread that does not hold the message', () => {
    queryClient.setQueryData(queryKeys.messages('c-1'), paged({ items: [], nextCursor: null }));
    applyMessageUpdated(queryClient, message({ id: 'm-x', conversationId: 'c-1' }));
    expect(thread('c-1')).toEqual([]);
  });
});

describe('customer events', () => {
  it('customer_created prepends to lists whose search it matches', () => {
    const existing = customer({ name: 'Zed' });
    queryClient.setQueryData(queryKeys.customers(''), paged({ items: [existing], nextCursor: null }));
    queryClient.setQueryData(queryKeys.customers('ann'), paged({ items: [], nextCursor: null }));
    queryClient.setQueryData(queryKeys.customers('zzz'), paged({ items: [], nextCursor: null }));
    const ann = customer({ name: 'Annabel', email: 'ann@example.com' });
    apply('customer_created', ann);
    apply('customer_created', ann);
    expect(customersIn('')).toEqual([ann, existing]);
    expect(customersIn('ann')).toEqual([ann]);
    expect(customersIn('zzz')).toEqual([]);
  });

  it('customer_updated replaces in place, drops out of searches it no longer matches, and renames conversations', () => {
    const bob = customer({ name: 'Bob' });
    const other = customer({ name: 'Carol' });
    queryClient.setQueryData(queryKeys.customers(''), paged({ items: [other, bob], nextCursor: null }));
    queryClient.setQueryData(queryKeys.customers('bob'), paged({ items: [bob], nextCursor: null }));
    const chat = conversation({ customerId: bob.id, customer: { id: bob.id, name: 'Bob', avatarUrl: null, externalUserId: null } });
    queryClient.setQueryData(queryKeys.conversations({}), paged({ items: [chat], nextCursor: null }));
    const renamed = { ...bob, name: 'Robert', phone: '+84 90 000' };
    apply('customer_updated', renamed);
    expect(customersIn('')).toEqual([other, renamed]);
    expect(customersIn('bob')).toEqual([]);
    expect(conversationsIn()[0].customer.name).toBe('Robert');
  });

  it('customer_deleted removes it from every list', () => {
    const bob = customer({ name: 'Bob' });
    queryClient.setQueryData(
      queryKeys.customers(''),
      paged({ items: [bob], nextCursor: 'next' }, { items: [], nextCursor: null }),
    );
    queryClient.setQueryData(queryKeys.customers('bo'), paged({ items: [bob], nextCursor: null }));
    apply('customer_deleted', { id: bob.id });
    expect(customersIn('')).toEqual([]);
    expect(customersIn('bo')).toEqual([]);
  });
});
