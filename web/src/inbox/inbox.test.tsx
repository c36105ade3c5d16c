import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import type { Message, User } from '../api/models';
import { createQueryClient } from '../cache/query-client';
import { FakeEventSource } from '../test/fake-event-source';
import { channel, conversation, message } from '../test/fixtures';
import { accessTokenFrom, tokenStore } from '../auth/token-store';

const agent: User = {
  id: 'agent-1',
  email: 'agent@example.com',
  name: 'Agent One',
  role: 'agent',
  workspaceId: 'w',
};
const chat = conversation({
  id: 'conv-1',
  customer: { id: 'cust-1', name: 'Alice', avatarUrl: null, externalUserId: null },
  lastMessageAt: '2026-01-01T10:00:00.000Z',
});
const greeting = message({ id: 'm-1', conversationId: 'conv-1', content: 'Hi, is the blue one in stock?' });

interface Call {
  method: string;
  path: string;
  body: unknown;
}

let calls: Call[];
let answerSend: (message: Message) => void;

const thread = (): HTMLElement => screen.getByTestId('thread');

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const path = new URL(url, 'http://localhost').pathname;
      const method = init.method ?? 'GET';
      calls.push({ method, path, body: init.body ? JSON.parse(init.body as string) : undefined });
      if (path === '/api/auth/me') return json({ user: agent });
      if (path === '/api/channels')
        return json({
          items: [channel({ id: 'channel-1', externalId: 'p', name: 'Shop page' })],
          nextCursor: null,
        });
      if (path === '/api/conversations') return json({ items: [chat], nextCursor: null });
      if (path === '/api/conversations/conv-1/messages' && method === 'GET')
        return json({ items: [greeting], nextCursor: null });
      if (path === '/api/conversations/conv-1/messages' && method === 'POST')
        return new Promise<Response>((resolve) => (answerSend = (saved) => resolve(json(saved, 202))));
      if (path === '/api/conversations/counts')
        return json({ unread: 0, unreadMine: 0, unreadUnassigned: 0, waiting: 0, byChannel: {} });
      if (path === '/api/presence') return json({ items: [] });
      if (path.endsWith('/read') || path.endsWith('/activity')) return new Response(null, { status: 204 });
      if (path === '/api/events/ticket') return json({ ticket: 'ticket-1', expiresAt: '' }, 201);
      if (path === '/api/events/ack') return new Response(null, { status: 204 });
      return json({ statusCode: 404, message: 'Not Found' }, 404);
    }),
  );
  tokenStore.set(accessTokenFrom('token', 3600));
  window.history.pushState({}, '', '/inbox/conv-1');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('inbox', () => {
  it('shows the thread, sends a reply optimistically and follows its status from the stream', async () => {
    render(<App queryClient={createQueryClient()} />);
    expect(
      await within(await screen.findByTestId('thread')).findByText('Hi, is the blue one in stock?'),
    ).toBeInTheDocument();
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => FakeEventSource.latest().connect());
    expect(screen.getByTestId('connection-indicator')).toHaveTextContent('Live');

    await userEvent.type(screen.getByLabelText('Reply'), 'Yes, we have it!{Enter}');
    const pending = await within(await screen.findByTestId('thread')).findByText('Yes, we have it!');
    const bubble = pending.closest('li') as HTMLElement;
    expect(bubble).toHaveAttribute('data-status', 'pending');
    expect(within(bubble).getByTestId('message-status')).toHaveTextContent('Sending…');
    const post = calls.find((call) => call.method === 'POST' && call.path.endsWith('/messages'));
    const { clientMessageId } = post?.body as { clientMessageId: string };
    expect(clientMessageId).toMatch(/^[0-9a-f-]{36}$/);

    // The stream announces the stored reply before the POST answers, then its delivery.
    const stored = message({
      id: 'm-2',
      conversationId: 'conv-1',
      sender: 'agent',
      content: 'Yes, we have it!',
      status: 'pending',
      clientMessageId,
      sentAt: '2026-01-01T10:05:00.000Z',
    });
    act(() => FakeEventSource.latest().emit('message_sent', stored, '5'));
    act(() => FakeEventSource.latest().emit('message_sent', { ...stored, status: 'sent' }, '6'));
    act(() => answerSend(stored)); // late 202 "pending" must not move it back
    await waitFor(() =>
      expect(within(thread()).getByText('Yes, we have it!').closest('li')).toHaveAttribute(
        'data-status',
        'sent',
      ),
    );
    expect(within(thread()).getAllByText('Yes, we have it!')).toHaveLength(1);

    act(() => FakeEventSource.latest().emit('message_sent', { ...stored, status: 'read' }, '7'));
    await waitFor(() =>
      expect(within(thread()).getByText('Yes, we have it!').closest('li')).toHaveAttribute(
        'data-status',
        'read',
      ),
    );
    expect(screen.getByText('Read')).toBeInTheDocument();
  });

  it('puts a new conversation and a new message on screen from the stream alone', async () => {
    render(<App queryClient={createQueryClient()} />);
    await within(await screen.findByTestId('thread')).findByText('Hi, is the blue one in stock?');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => FakeEventSource.latest().connect());
    const fetchesBefore = calls.filter((call) => call.method === 'GET').length;

    const newcomer = conversation({
      id: 'conv-2',
      customer: { id: 'cust-2', name: 'Bao', avatarUrl: null, externalUserId: null },
      lastMessageAt: '2026-01-01T11:00:00.000Z',
    });
    act(() => FakeEventSource.latest().emit('new_conversation', newcomer, '10'));
    act(() =>
      FakeEventSource.latest().emit(
        'new_message',
        message({
          id: 'm-9',
          conversationId: 'conv-1',
          content: 'Also, do you ship to Hanoi?',
          sentAt: '2026-01-01T12:00:00.000Z',
        }),
        '11',
      ),
    );
    expect(
      await within(await screen.findByTestId('thread')).findByText('Also, do you ship to Hanoi?'),
    ).toBeInTheDocument();
    // Alice's conversation moved above Bao's: her message is the newest activity.
    expect(
      screen.getAllByTestId('conversation-item').map((item) => item.getAttribute('data-conversation-id')),
    ).toEqual(['conv-1', 'conv-2']);
    expect(calls.filter((call) => call.method === 'GET').length).toBe(fetchesBefore);
  });
});
