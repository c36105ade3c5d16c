import { describe, expect, it } from '@jest/globals';
import {
  contentDispositionFileName,
  downloadedFileName,
  extensionOf,
  fileNameFromUrl,
  mediaIdFileName,
} from './inbound-file-name.js';

describe('inbound file names', () => {
  it('reads the Content-Disposition name, preferring the UTF-8 one', () => {
    expect(contentDispositionFileName('attachment; filename="receipt 12.pdf"')).toBe('receipt 12.pdf');
    expect(contentDispositionFileName('inline; filename=photo.png')).toBe('photo.png');
    expect(
      contentDispositionFileName(`attachment; filename="a.png"; filename*=UTF-8''%C3%A1o%20d%C3%A0i.png`),
    ).toBe('áo dài.png');
    expect(contentDispositionFileName('attachment; filename="say \\"hi\\".txt"')).toBe('say "hi".txt');
  });

  it('finds no name in a header without one, an empty one or an unreadable encoding', () => {
    expect(contentDispositionFileName(undefined)).toBeNull();
    expect(contentDispositionFileName('inline')).toBeNull();
    expect(contentDispositionFileName('attachment; filename=""')).toBeNull();
    expect(contentDispositionFileName(`attachment; filename*=UTF-8''%E0%A4%A`)).toBeNull();
    expect(
      contentDispositionFileName(`attachment; filename*=ISO-8859-1''caf%E9.txt; filename="cafe.txt"`),
    ).toBe('cafe.txt');
  });

  it('names a file by its kind, the tail of its media id and the extension of its stored type', () => {
    expect(mediaIdFileName('image', 'v09044g40000c8f1a2', 'image/png')).toBe('photo-c8f1a2.png');
    expect(mediaIdFileName('video', 'v0-9+x/7', 'video/quicktime')).toBe('video-v09x7.mov');
    expect(mediaIdFileName('sticker', 'v0emoji', 'image/webp')).toBe('sticker-0emoji.webp');
    expect(mediaIdFileName('../file', '---', 'application/x-unknown')).toBe('file-media.bin');
    expect(extensionOf('IMAGE/JPEG')).toBe('jpg');
  });

  it('keeps the URL segment for files with a URL of their own, and names files known only by id', () => {
    expect(
      downloadedFileName(
        'https://cdn.example/a/b/IMG%201.jpg?x=1',
        'attachment; filename="x.jpg"',
        undefined,
      ),
    ).toBe('IMG 1.jpg');
    expect(fileNameFromUrl('not a url')).toBe('attachment');
    const identity = { attachmentType: 'image', mediaId: 'v0media123456789' };
    expect(
      downloadedFileName('https://tiktok.example/dl/abc', 'inline; filename="shirt.jpg"', identity),
    ).toBe('shirt.jpg');
    const byType = downloadedFileName('https://tiktok.example/dl/abc', undefined, identity);
    expect(typeof byType === 'function' ? byType('image/jpeg') : byType).toBe('photo-456789.jpg');
  });
});
