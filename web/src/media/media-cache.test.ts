import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaCache } from './media-cache';

let created: string[];
let revoked: string[];

beforeEach(() => {
  created = [];
  revoked = [];
  let counter = 0;
  vi.stubGlobal(
    'URL',
    Object.assign(URL, {
      createObjectURL: vi.fn(() => {
        counter += 1;
        const url = `blob:media-${counter}`;
        created.push(url);
        return url;
      }),
      revokeObjectURL: vi.fn((url: string) => revoked.push(url)),
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('MediaCache', () => {
  it('loads a media URL once while it stays cached', async () => {
    const load = vi.fn(async () => new Blob(['x'], { type: 'image/png' }));
    const cache = new MediaCache(load, 2);
    const first = await cache.acquire('/api/media/a');
    cache.release('/api/media/a');
    const second = await cache.acquire('/api/media/a');
    expect(second).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
    expect(revoked).toEqual([]);
  });

  it('revokes the least recently used unused URL when the cache is full', async () => {
    const cache = new MediaCache(async () => new Blob(['x']), 2);
    const a = await cache.acquire('/api/media/a');
    cache.release('/api/media/a');
    await cache.acquire('/api/media/b');
    cache.release('/api/media/b');
    await cache.acquire('/api/media/c');
    await flush();
    expect(revoked).toEqual([a]);
    expect(cache.size).toBe(2);
  });

  it('keeps a URL in use and revokes it when its element unmounts after eviction', async () => {
    const cache = new MediaCache(async () => new Blob(['x']), 1);
    const a = await cache.acquire('/api/media/a');
    await cache.acquire('/api/media/b');
    cache.release('/api/media/b');
    await flush();
    expect(revoked).not.toContain(a);
    cache.clear();
    await flush();
    expect(revoked).not.toContain(a);
    cache.release('/api/media/a');
    await flush();
    expect(revoked).toContain(a);
  });

  it('does not keep a failed load: the next acquire tries again', async () => {
    const load = vi
      .fn<(url: string) => Promise<Blob>>()
      .mockRejectedValueOnce(new Error('404'))
      .mockResolvedValueOnce(new Blob(['x']));
    const cache = new MediaCache(load, 2);
    await expect(cache.acquire('/api/media/a')).rejects.toThrow('404');
    cache.release('/api/media/a');
    await expect(cache.acquire('/api/media/a')).resolves.toMatch(/^blob:/);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
