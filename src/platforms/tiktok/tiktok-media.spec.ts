import { describe, expect, it } from '@jest/globals';
import { tiktokMediaIdOf, tiktokMediaType, tiktokMediaUrl } from './tiktok-media.js';

describe('TikTok media references', () => {
  it('round-trips a media id through its attachment URL', () => {
    expect(tiktokMediaUrl('v09044g40000media')).toBe('tiktok-media:v09044g40000media');
    expect(tiktokMediaIdOf(tiktokMediaUrl('v09044g40000media'))).toBe('v09044g40000media');
  });

  it('is not a reference for http URLs, other schemes or an empty id', () => {
    expect(tiktokMediaIdOf('https://cdn.example/tiktok-media:x')).toBeNull();
    expect(tiktokMediaIdOf('zalo-media:x')).toBeNull();
    expect(tiktokMediaIdOf('tiktok-media:')).toBeNull();
  });

  it('asks for a video as VIDEO and every picture (image, sticker) as IMAGE', () => {
    expect(tiktokMediaType('video')).toBe('VIDEO');
    expect(tiktokMediaType('image')).toBe('IMAGE');
    expect(tiktokMediaType('sticker')).toBe('IMAGE');
  });
});
