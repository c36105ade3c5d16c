import { describe, expect, it } from '@jest/globals';
import { inflateSync } from 'node:zlib';
import { sniffMediaType } from '../media/media-type.js';
import { DEMO_ATTACHMENTS, demoFiles, encodePng } from './demo-media.js';

describe('the demo attachments', () => {
  it('every attachment customers send is served, and the app classifies it as its declared type', async () => {
    const files = demoFiles();
    for (const attachment of DEMO_ATTACHMENTS) {
      const file = files[attachment.name];
      expect(file).toBeDefined();
      const sniffed = await sniffMediaType(file.body);
      expect(sniffed).toEqual({ type: attachment.type, mimeType: file.contentType });
    }
  });

  it('encodePng writes the dimensions and the pixels it was given', async () => {
    const png = encodePng(3, 2, (x, y) => [x * 80, y * 100, 7]);
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    // The IDAT chunk follows the 8-byte signature and the 25-byte IHDR chunk: one filter byte, then RGB per row.
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    expect([...inflateSync(png.subarray(41, 41 + idatLength))]).toEqual([
      0, 0, 0, 7, 80, 0, 7, 160, 0, 7, 0, 0, 100, 7, 80, 100, 7, 160, 100, 7,
    ]);
    expect(await sniffMediaType(png)).toEqual({ type: 'image', mimeType: 'image/png' });
  });
});
