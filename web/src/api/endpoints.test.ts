import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channel } from '../test/fixtures';
import { api } from './endpoints';
import type { Channel, Page, User } from './models';

let requested: string[];

/** Answers each list path from its pages, keyed by the `cursor` the request carries ('' for the first). */
function servePages<T>(path: string, pages: Record<string, Page<T>>): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const parsed = new URL(url, 'http://localhost');
      requested.push(`${parsed.pathname}${parsed.search}`);
      const page = parsed.pathname === path ? pages[parsed.searchParams.get('cursor') ?? ''] : undefined;
      return page
        ? new Response(JSON.stringify(page), { status: 200, headers: { 'Content-Type': 'application/json' } })
        : new Response(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'Not Found' }), { status: 404 });
    }),
  );
}

function user(id: string): User {
  return { id, email: `${id}@example.com`, name: id, role: 'agent', workspaceId: 'workspace-1' };
}

beforeEach(() => {
  requested = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('whole-list endpoints', () => {
  it('reads every page of the channels, following nextCursor', async () => {
    const [first, second, third] = [channel({ name: 'A' }), channel({ name: 'B' }), channel({ name: 'C' })];
    servePages<Channel>('/api/channels', {
      '': { items: [first, second], nextCursor: 'page-2' },
      'page-2': { items: [third], nextCursor: null },
    });
    const channels = await api.listChannels();
    expect(channels.map((item) => item.name)).toEqual(['A', 'B', 'C']);
    expect(requested).toEqual(['/api/channels?limit=100', '/api/channels?limit=100&cursor=page-2']);
  });

  it('reads every page of the users', async () => {
    servePages<User>('/api/users', {
      '': { items: [user('u1')], nextCursor: 'next' },
      next: { items: [user('u2')], nextCursor: null },
    });
    expect((await api.listUsers()).map((item) => item.id)).toEqual(['u1', 'u2']);
  });

  it('stops when a cursor comes back a second time instead of looping', async () => {
    servePages<User>('/api/users', {
      '': { items: [user('u1')], nextCursor: 'again' },
      again: { items: [user('u2')], nextCursor: 'again' },
    });
    expect((await api.listUsers()).map((item) => item.id)).toEqual(['u1', 'u2']);
    expect(requested).toHaveLength(2);
  });
});
