import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import type { Conversation, ConversationCounts, User } from '../api/models';
import { createQueryClient } from '../cache/query-client';
import { stubApi, json, type ApiCall } from '../test/fake-api';
import { FakeEventSource } from '../test/fake-event-source';
import { channel, conversation, message } from '../test/fixtures';
import { accessTokenFrom, tokenStore } from '../auth/token-store';

const me: User = {
  id: 'agent-1',
  email: 'a@example.com',
  name: 'Agent One',
  role: 'agent',
  workspaceId: 'w',
};
const NOW = Date.parse('2026-01-01T10:30:00.000Z');
const greeting = message({ id: 'm-1', conversationId: 'conv-1', content: 'Is the blue one in stock?' });
let chat: Conversation;
let other: Conversation;
let counts: ConversationCounts;
let calls: ApiCall[];
let sendAnswer: (call: ApiCall) => Response;

class CountingNotification {
  static permission: NotificationPermission = 'granted';
  static shown: Array<{ title: string; body: string | undefined }> = [];
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions = {}) {
    CountingNotification.shown.push({ title, body: options.body });
  }
  close(): void {}
  static requestPermission = vi.fn(() => Promise.resolve<NotificationPermission>('granted'));
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, shouldAdvanceTime: true });
  chat = conversation({
    id: 'conv-1',
    channelId: 'channel-1',
    customer: { id: 'cust-1', name: 'Alice', avatarUrl: null, externalUserId: null },
    assigneeId: 'agent-1',
    unreadCount: 2,
    waitingSince: '2026-01-01T10:18:00.000Z',
    lastMessage: {
      id: 'm-1',
      sender: 'customer',
      content: 'Is the blue one in stock?',
      sentAt: '2026-01-01T10:18:00.000Z',
      hasAttachments: true,
    },
  });
  other = conversation({
    id: 'conv-2',
    customer: { id: 'cust-2', name: 'Bao', avatarUrl: null, externalUserId: null },
    lastMessageAt: '2026-01-01T09:00:00.000Z',
    lastMessage: { id: 'm-2', sender: 'agent', content: 'It ships today', sentAt: '2026-01-01T09:00:00.000Z', hasAttachments: false },
  });
  counts = { unread: 1, unreadMine: 1, unreadUnassigned: 0, waiting: 1, byChannel: { 'channel-1': 1 } };
  sendAnswer = () =>
    json(message({ id: 'm-sent', conversationId: 'conv-1', sender: 'agent', status: 'pending' }), 202);
  FakeEventSource.reset();
  CountingNotification.shown = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('Notification', CountingNotification);
  calls = stubApi({
    'GET /api/auth/me': { user: me },
    'GET /api/channels': { items: [channel({ id: 'channel-1', name: 'Shop page' })], nextCursor: null },
    'GET /api/users': { items: [me], nextCursor: null },
    'GET /api/conversations': { items: [chat, other], nextCursor: null },
    'GET /api/conversations/counts': () => json(counts),
    'GET /api/conversations/conv-1/messages': { items: [greeting], nextCursor: null },
    'GET /api/conversations/conv-2/messages': { items: [], nextCursor: null },
    'POST /api/conversations/conv-1/messages': (call: ApiCall) => sendAnswer(call),
    'POST /api/conversations/conv-1/read': null,
    'POST /api/conversations/conv-1/unread': null,
    'POST /api/conversations/conv-1/activity': null,
    'POST /api/conversations/conv-2/activity': null,
    'GET /api/presence': {
      items: [{ userId: 'agent-1', status: 'online', since: '2026-01-01T08:00:00.000Z' }],
    },
    'POST /api/events/ticket': () => json({ ticket: 't', expiresAt: '' }, 201),
    'POST /api/events/ack': null,
  });
  tokenStore.set(accessTokenFrom('token', 3600));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function open(path: string): Promise<FakeEventSource> {
  window.history.pushState({}, '', path);
  render(<App queryClient={createQueryClient()} />);
  await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
  const source = FakeEventSource.latest();
  act(() => source.connect());
  return source;
}
const item = (id: string): HTMLElement =>
  screen.getAllByTestId('conversation-item').find((li) => li.dataset.conversationId === id) as HTMLElement;
const posts = (suffix: string): ApiCall[] =>
  calls.filter((c) => c.method === 'POST' && c.path.endsWith(suffix));

describe('conversation list attention', () => {
  it('shows unread badge, preview with attachment icon, a ticking wait, counts in filters and the tab title', async () => {
    await open('/inbox');
    await screen.findAllByTestId('conversation-item');
    const row = item('conv-1');
    expect(within(row).getByTestId('unread-badge')).toHaveTextContent('2');
    expect(row.querySelector('a')).toHaveClass('unread');
    expect(within(row).getByTestId('last-message')).toHaveTextContent('Is the blue one in stock?');
    expect(within(row).getByRole('img', { name: 'Attachment' })).toBeInTheDocument();
    expect(within(row).getByTestId('waiting')).toHaveTextContent('waiting 12 min');
    expect(within(item('conv-2')).queryByTestId('unread-badge')).toBeNull();
    // The business's own last message is marked as a reply (it may be any agent's, so never "You").
    expect(within(row).queryByRole('img', { name: 'Outgoing' })).toBeNull();
    expect(within(item('conv-2')).getByRole('img', { name: 'Outgoing' })).toBeInTheDocument();
    expect(within(item('conv-2')).getByTestId('last-message')).toHaveTextContent('It ships today');
    await waitFor(() => expect(document.title).toBe('(1) crm-inbox'));
    expect(screen.getByRole('option', { name: /Shop page.*1 unread/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Unread/ })).toHaveTextContent('Unread 1');

    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(within(item('conv-1')).getByTestId('waiting')).toHaveTextContent('waiting 13 min');

    // A new customer message elsewhere: badge, preview and counts follow without a refetch.
    const countsFetches = calls.filter((c) => c.path === '/api/conversations/counts').length;
    act(() =>
      FakeEventSource.latest().emit(
        'new_message',
        message({
          id: 'm-7',
          conversationId: 'conv-2',
          content: 'Hello?',
          sentAt: '2026-01-01T10:31:00.000Z',
        }),
        '20',
      ),
    );
    await waitFor(() => expect(within(item('conv-2')).getByTestId('unread-badge')).toHaveTextContent('1'));
    expect(screen.getAllByTestId('conversation-item')[0].dataset.conversationId).toBe('conv-2');
    await waitFor(() => expect(document.title).toBe('(2) crm-inbox'));
    act(() =>
      FakeEventSource.latest().emit(
        'conversation_read',
        { conversationId: 'conv-2', unreadCount: 0, lastReadMessageId: 'm-7' },
        '21',
      ),
    );
    await waitFor(() => expect(document.title).toBe('(1) crm-inbox'));
    expect(calls.filter((c) => c.path === '/api/conversations/counts').length).toBe(countsFetches);
  });

  it('filters by Unread and searches with a debounced q=', async () => {
    await open('/inbox');
    await screen.findAllByTestId('conversation-item');
    await userEvent.click(screen.getByRole('button', { name: /Unread/ }));
    await waitFor(() =>
      expect(calls.some((c) => c.path === '/api/conversations' && c.method === 'GET')).toBe(true),
    );
    expect(window.location.search).toContain('unread=1');
    await userEvent.type(screen.getByLabelText('Search conversations'), 'blue');
    expect(window.location.search).not.toContain('q=');
    await act(() => vi.advanceTimersByTimeAsync(400));
    await waitFor(() => expect(window.location.search).toContain('q=blue'));
  });
});

describe('thread attention', () => {
  it('marks the open conversation read while visible, and Mark unread keeps it unread', async () => {
    await open('/inbox/conv-1');
    await waitFor(() => expect(posts('/conv-1/read')).toHaveLength(1));
    await waitFor(() => expect(within(item('conv-1')).queryByTestId('unread-badge')).toBeNull());
    await waitFor(() => expect(document.title).toBe('crm-inbox'));

    await userEvent.click(screen.getByLabelText('Conversation menu'));
    await userEvent.click(screen.getByRole('button', { name: 'Mark unread' }));
    await waitFor(() => expect(posts('/conv-1/unread')).toHaveLength(1));
    act(() =>
      FakeEventSource.latest().emit(
        'conversation_read',
        { conversationId: 'conv-1', unreadCount: 1, lastReadMessageId: null },
        '30',
      ),
    );
    await waitFor(() => expect(within(item('conv-1')).getByTestId('unread-badge')).toHaveTextContent('1'));
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(posts('/conv-1/read')).toHaveLength(1);
  });

  it('a hidden tab does not mark read; becoming visible does', async () => {
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    await open('/inbox/conv-1');
    await screen.findByText('Is the blue one in stock?', { selector: '.content' });
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(posts('/conv-1/read')).toHaveLength(0);
    visibility.mockReturnValue('visible');
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(posts('/conv-1/read')).toHaveLength(1));
  });

  it('shows colleagues viewing and typing until expiresAt, and the assignee’s presence', async () => {
    const source = await open('/inbox/conv-1');
    await screen.findByText('Is the blue one in stock?', { selector: '.content' });
    const expiresAt = new Date(Date.now() + 6_000).toISOString();
    act(() =>
      source.emit('agent_activity', {
        conversationId: 'conv-1',
        userId: 'u-b',
        name: 'Bao',
        kind: 'typing',
        expiresAt,
      }),
    );
    act(() =>
      source.emit('agent_activity', {
        conversationId: 'conv-1',
        userId: 'u-c',
        name: 'Chi',
        kind: 'viewing',
        expiresAt,
      }),
    );
    act(() =>
      source.emit('agent_activity', {
        conversationId: 'conv-2',
        userId: 'u-d',
        name: 'Dan',
        kind: 'typing',
        expiresAt,
      }),
    );
    expect(screen.getByTestId('activity')).toHaveTextContent('Bao is typing… · Chi is viewing');
    await act(() => vi.advanceTimersByTimeAsync(6_100));
    expect(screen.getByTestId('activity')).toHaveTextContent('');

    await waitFor(() =>
      expect(screen.getByTestId('presence-dot')).toHaveAttribute('data-presence', 'online'),
    );
    act(() =>
      source.emit('presence_changed', {
        userId: 'agent-1',
        status: 'away',
        since: '2026-01-01T10:35:00.000Z',
      }),
    );
    await waitFor(() => expect(screen.getByTestId('presence-dot')).toHaveAttribute('data-presence', 'away'));
  });

  it('reports viewing, then typing while the agent types', async () => {
    await open('/inbox/conv-1');
    await waitFor(() =>
      expect(posts('/conv-1/activity').map((c) => c.body)).toContainEqual({ kind: 'viewing' }),
    );
    await userEvent.type(screen.getByLabelText('Reply'), 'Yes');
    await act(() => vi.advanceTimersByTimeAsync(300));
    expect(posts('/conv-1/activity').map((c) => c.body)).toContainEqual({ kind: 'typing' });
  });

  it('a 409 shows the newer messages, keeps the draft, and Send anyway resends after them', async () => {
    const newer = message({
      id: 'm-2',
      conversationId: 'conv-1',
      content: 'Actually, the red one',
      sentAt: '2026-01-01T10:29:00.000Z',
    });
    sendAnswer = () =>
      json({ statusCode: 409, error: 'Conflict', message: 'Newer messages', newMessages: [newer] }, 409);
    await open('/inbox/conv-1');
    await screen.findByText('Is the blue one in stock?', { selector: '.content' });
    await userEvent.type(screen.getByLabelText('Reply'), 'Yes, in stock{Enter}');
    const notice = await screen.findByTestId('collision');
    expect(within(notice).getByText('Actually, the red one')).toBeInTheDocument();
    expect(screen.getByLabelText('Reply')).toHaveValue('Yes, in stock');
    expect(posts('/conv-1/messages')[0].body).toMatchObject({
      content: 'Yes, in stock',
      afterMessageId: 'm-1',
    });
    expect(screen.queryByText('Yes, in stock', { selector: '.content' })).toBeNull();

    sendAnswer = () =>
      json(
        message({
          id: 'm-3',
          conversationId: 'conv-1',
          sender: 'agent',
          content: 'Yes, in stock',
          status: 'pending',
        }),
        202,
      );
    await userEvent.click(within(notice).getByRole('button', { name: 'Send anyway' }));
    await waitFor(() => expect(posts('/conv-1/messages')).toHaveLength(2));
    expect(posts('/conv-1/messages')[1].body).toMatchObject({
      content: 'Yes, in stock',
      afterMessageId: 'm-2',
    });
    await waitFor(() => expect(screen.queryByTestId('collision')).toBeNull());
    expect(screen.getByLabelText('Reply')).toHaveValue('');
  });
});

describe('notifications', () => {
  it('one notification for a customer message in a conversation not on screen; none for the open one or when muted', async () => {
    const source = await open('/inbox/conv-1');
    await screen.findByText('Is the blue one in stock?', { selector: '.content' });
    act(() =>
      source.emit(
        'new_message',
        message({ id: 'm-5', conversationId: 'conv-1', content: 'Still there?' }),
        '40',
      ),
    );
    act(() =>
      source.emit(
        'new_message',
        message({ id: 'm-6', conversationId: 'conv-2', content: 'Hi from Bao' }),
        '41',
      ),
    );
    await waitFor(() => expect(CountingNotification.shown).toEqual([{ title: 'Bao', body: 'Hi from Bao' }]));
    await userEvent.click(screen.getByLabelText('Mute notifications'));
    act(() =>
      source.emit('new_message', message({ id: 'm-8', conversationId: 'conv-2', content: 'Hello?' }), '42'),
    );
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(CountingNotification.shown).toHaveLength(1);
    expect(localStorage.getItem('crm-inbox.notifications.muted')).toBe('1');
  });

  it('asks for permission from the Enable notifications click', async () => {
    CountingNotification.permission = 'default';
    await open('/inbox');
    await userEvent.click(await screen.findByRole('button', { name: 'Enable notifications' }));
    expect(CountingNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(await screen.findByLabelText('Mute notifications')).toBeInTheDocument();
    CountingNotification.permission = 'granted';
  });
});
