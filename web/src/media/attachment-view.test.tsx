import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessTokenFrom, tokenStore } from '../auth/token-store';
import { MessageBubble } from '../inbox/message-bubble';
import { attachment, message } from '../test/fixtures';
import type { Attachment } from './attachment';
import { mediaCache } from './media-cache';

let requests: { url: string; authorization: string | null }[];

beforeEach(() => {
  requests = [];
  tokenStore.set(accessTokenFrom('token-1', 3600));
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      requests.push({ url, authorization: new Headers(init.headers).get('Authorization') });
      return new Response('bytes', { status: 200, headers: { 'Content-Type': 'image/png' } });
    }),
  );
  let counter = 0;
  URL.createObjectURL = vi.fn(() => `blob:object-${(counter += 1)}`);
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  mediaCache.clear();
  vi.unstubAllGlobals();
});

function stored(type: Attachment['type'], extra: Partial<Attachment> = {}): Attachment {
  return {
    type,
    url: `/api/media/${type}-1`,
    mediaId: `${type}-1`,
    name: null,
    mimeType: null,
    size: null,
    originalUrl: null,
    ...extra,
  };
}

const bubble = (attachments: Attachment[]) =>
  render(
    <ul>
      <MessageBubble message={message({ content: '', attachments })} onRetry={() => undefined} />
    </ul>,
  );

describe('attachments in a message bubble', () => {
  it('shows an image fetched with the Bearer token, enlarges it on click and closes on Esc', async () => {
    bubble([stored('image', { name: 'shoe.png' })]);
    const thumbnail = await screen.findByRole('button', { name: 'Enlarge shoe.png' });
    expect(thumbnail.querySelector('img')).toHaveAttribute('src', 'blob:object-1');
    expect(requests).toEqual([{ url: '/api/media/image-1', authorization: 'Bearer token-1' }]);
    await userEvent.click(thumbnail);
    expect(screen.getByRole('dialog', { name: 'Image viewer' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('does not refetch an image when the bubble is rendered again', async () => {
    const first = bubble([stored('image', { url: '/api/media/again' })]);
    await screen.findByRole('button', { name: 'Enlarge Image' });
    first.unmount();
    bubble([stored('image', { url: '/api/media/again' })]);
    await screen.findByRole('button', { name: 'Enlarge Image' });
    expect(requests.filter((r) => r.url === '/api/media/again')).toHaveLength(1);
  });

  it('plays audio and video and offers a file as a download with its name and size', async () => {
    bubble([
      stored('audio', { name: 'voice.ogg' }),
      stored('video', { name: 'clip.mp4' }),
      stored('file', { name: 'invoice.pdf', size: 2048 }),
    ]);
    const link = await screen.findByRole('link', { name: /invoice\.pdf \(2\.0 KB\)/ });
    expect(link).toHaveAttribute('download', 'invoice.pdf');
    await waitFor(() => expect(document.querySelector('audio')).toHaveAttribute('src'));
    expect(document.querySelector('video')).toHaveAttribute('src');
  });

  it('shows an attachment not yet stored as a placeholder with its type and the original link', () => {
    bubble([
      attachment({
        type: 'video',
        url: 'https://cdn.example/v.mp4',
        originalUrl: 'https://cdn.example/v.mp4',
      }),
    ]);
    const placeholder = screen.getByTestId('attachment-placeholder');
    expect(placeholder).toHaveTextContent('video (not stored yet)');
    const link = screen.getByRole('link', { name: 'Open original' });
    expect(link).toHaveAttribute('href', 'https://cdn.example/v.mp4');
    expect(link).toHaveAttribute('rel', 'noopener');
    expect(requests).toEqual([]);
  });

  it('shows a platform media reference still being fetched as a label, with no dead link', () => {
    bubble([
      attachment({ type: 'image', url: 'tiktok-media:v0media1', originalUrl: null }),
      attachment({ type: 'video', url: 'tiktok-media:v0media2', originalUrl: null }),
    ]);
    const [photo, video] = screen.getAllByTestId('attachment-placeholder');
    expect(photo).toHaveTextContent('Photo loading…');
    expect(video).toHaveTextContent('Video loading…');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('says a platform media reference the server gave up on is not available', () => {
    bubble([
      attachment({ type: 'image', url: 'tiktok-media:v0media3', originalUrl: 'tiktok-media:v0media3' }),
    ]);
    expect(screen.getByTestId('attachment-placeholder')).toHaveTextContent('Photo not available');
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('shows links and locations readably without fetching', () => {
    bubble([
      attachment({ type: 'link', url: 'https://shop.example/p/1', name: 'Blue shoe' }),
      attachment({ type: 'location', url: 'https://maps.example/?q=1,2' }),
    ]);
    expect(screen.getByRole('link', { name: /Blue shoe/ })).toHaveAttribute(
      'href',
      'https://shop.example/p/1',
    );
    expect(screen.getByRole('link', { name: /Location/ })).toHaveAttribute(
      'href',
      'https://maps.example/?q=1,2',
    );
    expect(requests).toEqual([]);
  });
});
