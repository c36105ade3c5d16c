import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessTokenFrom, tokenStore } from '../auth/token-store';
import { mediaCache } from '../media/media-cache';
import { CustomerAvatar } from './customer-avatar';

let requests: { url: string; authorization: string | null }[];
let status: number;

beforeEach(() => {
  requests = [];
  status = 200;
  tokenStore.set(accessTokenFrom('token-1', 3600));
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      requests.push({ url, authorization: new Headers(init.headers).get('Authorization') });
      return new Response('png', { status, headers: { 'Content-Type': 'image/png' } });
    }),
  );
  let counter = 0;
  URL.createObjectURL = vi.fn(() => `blob:avatar-${(counter += 1)}`);
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  mediaCache.clear();
  vi.unstubAllGlobals();
});

describe('CustomerAvatar', () => {
  it('shows the stored picture, fetched with the Bearer token', async () => {
    render(<CustomerAvatar avatarUrl="/api/media/avatar-1" name="Linh Tran" />);
    const image = await screen.findByTestId('customer-avatar');
    expect(image).toHaveAttribute('src', 'blob:avatar-1');
    expect(image).toHaveClass('customer-avatar', 'small');
    expect(requests).toEqual([{ url: '/api/media/avatar-1', authorization: 'Bearer token-1' }]);
  });

  it('shows initials when there is no picture, without fetching anything', () => {
    render(<CustomerAvatar avatarUrl={null} name="Linh Tran" size="large" />);
    expect(screen.getByTestId('customer-initials')).toHaveTextContent('LT');
    expect(screen.queryByTestId('customer-avatar')).not.toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('keeps the initials when the picture cannot be loaded', async () => {
    status = 404;
    render(<CustomerAvatar avatarUrl="/api/media/gone" name={null} />);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId('customer-initials')).toHaveTextContent('?');
    expect(screen.queryByTestId('customer-avatar')).not.toBeInTheDocument();
  });
});
