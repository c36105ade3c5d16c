import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import type { User } from '../api/models';
import { createQueryClient } from '../cache/query-client';
import { accessTokenFrom, tokenStore } from '../auth/token-store';
import { FakeEventSource } from '../test/fake-event-source';
import { channel } from '../test/fixtures';

const admin: User = { id: 'admin-1', email: 'admin@example.com', name: 'Admin', role: 'admin', workspaceId: 'w' };
const agent: User = { id: 'agent-1', email: 'agent@example.com', name: 'Agent Lan', role: 'agent', workspaceId: 'w' };
let me: User;
let calls: Array<{ method: string; path: string; body: unknown }>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  me = admin;
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const parsed = new URL(url, 'http://localhost');
      const method = init.method ?? 'GET';
      const body: unknown = init.body ? JSON.parse(init.body as string) : undefined;
      calls.push({ method, path: parsed.pathname, body });
      if (parsed.pathname === '/api/auth/me') return json({ user: me });
      if (parsed.pathname === '/api/events/ticket') return json({ ticket: 't', expiresAt: '' }, 201);
      if (parsed.pathname === '/api/users' && method === 'GET') return json({ items: [admin, agent], nextCursor: null });
      if (parsed.pathname === '/api/users' && method === 'POST')
        return json({ id: 'user-new', workspaceId: 'w', ...(body as object) }, 201);
      if (parsed.pathname === '/api/channels' && method === 'GET') return json({ items: [], nextCursor: null });
      if (parsed.pathname.endsWith('/members') && method === 'GET')
        return json({ channelId: parsed.pathname.split('/')[3], userIds: [] });
      if (parsed.pathname.endsWith('/members') && method === 'PUT')
        return json({ channelId: parsed.pathname.split('/')[3], ...(body as object) });
      return new Response(null, { status: 204 });
    }),
  );
  tokenStore.set(accessTokenFrom('token', 3600));
});

afterEach(() => vi.unstubAllGlobals());

describe('admin screens', () => {
  it('an agent has no admin nav and gets the not-allowed page', async () => {
    me = agent;
    window.history.pushState({}, '', '/admin/users');
    render(<App queryClient={createQueryClient()} />);
    expect(await screen.findByTestId('not-allowed')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Channels' })).not.toBeInTheDocument();
    expect(calls.some((call) => call.path === '/api/users')).toBe(false);
  });

  it('creates a user, and follows user events live; one cannot delete oneself', async () => {
    window.history.pushState({}, '', '/admin/users');
    render(<App queryClient={createQueryClient()} />);
    await screen.findByText('agent@example.com');
    const ownRow = screen.getAllByTestId('user-row').find((row) => row.dataset.userId === admin.id)!;
    expect(within(ownRow).queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Name'), 'Bao');
    await userEvent.type(screen.getByLabelText('Email'), 'bao@example.com');
    await userEvent.type(screen.getByLabelText('Initial password'), 'a long password');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('bao@example.com')).toBeInTheDocument();
    expect(calls.find((call) => call.method === 'POST' && call.path === '/api/users')?.body).toEqual({
      name: 'Bao',
      email: 'bao@example.com',
      role: 'agent',
      password: 'a long password',
    });

    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const stream = FakeEventSource.latest();
    act(() => stream.connect());
    act(() => stream.emit('user_created', { id: 'user-x', email: 'x@example.com', name: 'X', role: 'agent', workspaceId: 'w' }, '1'));
    expect(await screen.findByText('x@example.com')).toBeInTheDocument();
    act(() => stream.emit('user_deleted', { id: 'user-x' }, '2'));
    await waitFor(() => expect(screen.queryByText('x@example.com')).not.toBeInTheDocument());
  });

  it('shows channels live with the webhook URL, credentials as "set", and sets members', async () => {
    window.history.pushState({}, '', '/admin/channels');
    render(<App queryClient={createQueryClient()} />);
    await screen.findByText('No channels yet.');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const stream = FakeEventSource.latest();
    act(() => stream.connect());
    const zalo = channel({ id: 'ch-zalo', platform: 'zalo', name: 'Shop Zalo', webhookUrl: '/api/webhooks/zalo' });
    act(() => stream.emit('channel_created', zalo, '1'));
    const row = await screen.findByText('Shop Zalo');
    expect(within(row.closest('tr')!).getByText('set')).toBeInTheDocument();
    await userEvent.click(within(row.closest('tr')!).getByRole('button', { name: 'Manage' }));
    expect(screen.getByTestId('webhook-url')).toHaveTextContent(`${window.location.origin}/api/webhooks/zalo`);
    // Secrets are typed into masked inputs; identifiers stay readable.
    expect(screen.getByLabelText('OA secret key')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Access token')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('App id')).toHaveAttribute('type', 'text');
    const box = await screen.findByLabelText('Member Agent Lan');
    await waitFor(() => expect(box).toBeEnabled());
    await userEvent.click(box);
    await waitFor(() => expect(calls.some((call) => call.method === 'PUT')).toBe(true));
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ userIds: ['agent-1'] });
    await waitFor(() => expect(screen.getByLabelText('Member Agent Lan')).toBeChecked());

    act(() => stream.emit('channel_deleted', { id: 'ch-zalo' }, '2'));
    await waitFor(() => expect(screen.queryByText('Shop Zalo')).not.toBeInTheDocument());
  });
});
