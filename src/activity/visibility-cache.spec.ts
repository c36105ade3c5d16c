import { describe, expect, it } from '@jest/globals';
import { VisibilityCache } from './visibility-cache.js';

describe('VisibilityCache', () => {
  it('answers within the TTL only, per user and conversation', () => {
    const cache = new VisibilityCache(1000, 10);
    cache.set('u', 'c', 'ch', 0, cache.generation);
    expect(cache.get('u', 'c', 999)).toBe('ch');
    expect(cache.get('v', 'c', 10)).toBeUndefined();
    expect(cache.get('u', 'd', 10)).toBeUndefined();
    expect(cache.get('u', 'c', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets everything on clear, and refuses an answer read before the clear', () => {
    const cache = new VisibilityCache(1000, 10);
    cache.set('u', 'c', 'ch', 0, cache.generation);
    const before = cache.generation;
    cache.clear();
    expect(cache.get('u', 'c', 1)).toBeUndefined();
    cache.set('u', 'c', 'ch', 2, before);
    expect(cache.get('u', 'c', 3)).toBeUndefined();
    cache.set('u', 'c', 'ch', 2, cache.generation);
    expect(cache.get('u', 'c', 3)).toBe('ch');
  });

  it('drops the least recently stored entry past its bound, and expired ones on sweep', () => {
    const cache = new VisibilityCache(1000, 2);
    cache.set('u', 'a', 'ch', 0, 0);
    cache.set('u', 'b', 'ch', 0, 0);
    cache.set('u', 'a', 'ch', 1, 0);
    cache.set('u', 'c', 'ch', 2, 0);
    expect(cache.get('u', 'b', 3)).toBeUndefined();
    expect(cache.get('u', 'a', 3)).toBe('ch');
    cache.sweep(1001);
    expect(cache.size).toBe(1);
    expect(cache.get('u', 'c', 1001)).toBe('ch');
  });
});
