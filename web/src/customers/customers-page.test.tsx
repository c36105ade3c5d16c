import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import type { Customer, User } from '../api/models';
import { createQueryClient } from '../cache/query-client';
import { FakeEventSource } from '../test/fake-event-source';
import { customer } from '../test/fixtures';
import { accessTokenFrom, tokenStore } from '../auth/token-store';

const admin: User = {
  id: 'admin-1',
  email: 'admin@example.com',
  name: 'Admin',
  role: 'admin',
  workspaceId: 'w',
};
const lan = customer({ id: 'cust-lan', name: 'Lan Anh', phone: '+84 93 210 4455' });

let calls: Array<{ method: string; path: string; search: string; body: unknown }>;

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
      const parsed = new URL(url, 'http://localhost');
      const method = init.method ?? 'GET';
      const body: unknown = init.body ? JSON.parse(init.body as string) : undefined;
      calls.push({ method, path: parsed.pathname, search: parsed.search, body });
      if (parsed.pathname === '/api/auth/me') return json({ user: admin });
      if (parsed.pathname === '/api/events/ticket') return json({ ticket: 't', expiresAt: '' }, 201);
      if (parsed.pathname === '/api/customers' && method === 'GET') {
        const q = parsed.searchParams.get('q') ?? '';
        return json({ items: 'lan anh'.includes(q.toLowerCase()) ? [lan] : [], nextCursor: null });
      }
      if (parsed.pathname === '/api/customers' && method === 'POST')
        return json(customer({ id: 'cust-new', ...(body as Partial<Customer>) }), 201);
      if (parsed.pathname === '/api/customers/cust-lan' && method === 'PATCH')
        return json({ ...lan, ...(body as Partial<Customer>) });
      if (parsed.pathname === '/api/customers/cust-lan' && method === 'DELETE')
        return new Response(null, { status: 204 });
      return new Response(null, { status: 204 });
    }),
  );
  tokenStore.set(accessTokenFrom('token', 3600));
  window.history.pushState({}, '', '/customers');
});

afterEach(() => vi.unstubAllGlobals());

const rows = (): HTMLElement[] => screen.queryAllByTestId('customer-row');

describe('customers page', () => {
  it('creates, edits and deletes customers', async () => {
    render(<App queryClient={createQueryClient()} />);
    expect(await screen.findByText('Lan Anh')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'New customer' }));
    await userEvent.type(screen.getByLabelText('Name'), 'Minh Do');
    await userEvent.type(screen.getByLabelText('Phone'), '+84 91 555 0101');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(calls.find((call) => call.method === 'POST' && call.path === '/api/customers')?.body).toEqual({
      name: 'Minh Do',
      phone: '+84 91 555 0101',
    });

    const lanRow = screen.getByText('Lan Anh').closest('tr') as HTMLElement;
    await userEvent.click(within(lanRow).getByRole('button', { name: 'Edit' }));
    await userEvent.clear(screen.getByLabelText('Name'));
    await userEvent.type(screen.getByLabelText('Name'), 'Lan Anh Tran');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Lan Anh Tran')).toBeInTheDocument();

    vi.spyOn(window, 'confirm').mockReturnValue(true);
    await userEvent.click(
      within(screen.getByText('Lan Anh Tran').closest('tr') as HTMLElement).getByRole('button', {
        name: 'Delete',
      }),
    );
    await waitFor(() => expect(screen.queryByText('Lan Anh Tran')).not.toBeInTheDocument());
    expect(calls.some((call) => call.method === 'DELETE' && call.path === '/api/customers/cust-lan')).toBe(
      true,
    );
  });

  it('applies customer_created, customer_updated and customer_deleted live, honouring the search', async () => {
    render(<App queryClient={createQueryClient()} />);
    await screen.findByText('Lan Anh');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const stream = FakeEventSource.latest();
    act(() => stream.connect());
    const gets = calls.filter((call) => call.method === 'GET').length;

    const bao = customer({ id: 'cust-bao', name: 'Bao Tran' });
    act(() => stream.emit('customer_created', bao, '1'));
    expect(await screen.findByText('Bao Tran')).toBeInTheDocument();
    act(() => stream.emit('customer_updated', { ...lan, name: 'Lan Anh (VIP)' }, '2'));
    expect(await screen.findByText('Lan Anh (VIP)')).toBeInTheDocument();
    act(() => stream.emit('customer_deleted', { id: 'cust-bao' }, '3'));
    await waitFor(() => expect(screen.queryByText('Bao Tran')).not.toBeInTheDocument());
    expect(calls.filter((call) => call.method === 'GET').length).toBe(gets); // nothing refetched

    await userEvent.type(screen.getByLabelText('Search customers'), 'lan');
    await waitFor(() => expect(calls.some((call) => call.search === '?q=lan')).toBe(true));
    act(() => stream.emit('customer_created', customer({ id: 'cust-x', name: 'Xuan' }), '4'));
    act(() => stream.emit('customer_created', customer({ id: 'cust-y', name: 'Lana Ly' }), '5'));
    expect(await screen.findByText('Lana Ly')).toBeInTheDocument();
    expect(screen.queryByText('Xuan')).not.toBeInTheDocument();
  });
});
