import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, checksum]);
}

/**
 * A real PNG (RGB, no interlace) of a diagonal two-colour gradient: big enough to see in a screenshot, small
 * enough for every platform's limits.
 */
export function gradientPng(width: number, height: number, from: number[], to: number[]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x += 1) {
      const t = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c += 1) row[1 + x * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A platform's CDN on 127.0.0.1: serves fixed files by path and counts the fetches. */
export class MediaHost {
  private constructor(
    private readonly server: Server,
    /** The paths fetched, in order. */
    readonly fetched: string[],
  ) {}

  static async start(files: Record<string, { type: string; body: Buffer }>): Promise<MediaHost> {
    const fetched: string[] = [];
    const server = createServer((request, response) => {
      const file = files[request.url ?? ''];
      fetched.push(request.url ?? '');
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      response
        .writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length })
        .end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new MediaHost(server, fetched);
  }

  /** `host:port`, for MEDIA_FETCH_ALLOW_HOSTS. */
  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `http://${this.hostPort}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
