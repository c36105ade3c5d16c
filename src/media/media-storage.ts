import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** A byte range, both ends inclusive (as HTTP Range gives it). */
export interface ByteRange {
  start: number;
  end: number;
}

/** A write in progress: bytes go to `stream`; `commit` makes them readable under the key, `abort` removes them. */
export interface PendingWrite {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Where media bytes live, by key. Streaming both ways; a key is readable only after its write committed. */
export interface MediaStorage {
  begin(key: string): Promise<PendingWrite>;
  read(key: string, range?: ByteRange): Readable;
  delete(key: string): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

/** Keys are generated here (uuid), never taken from input, so they cannot escape the directory. */
const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

export function newStorageKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}

/** Local disk: a temp file in MEDIA_DIR/tmp, renamed into place on commit (atomic on one filesystem). */
export class LocalDiskStorage implements MediaStorage {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key`);
    return join(this.root, key);
  }

  async begin(key: string): Promise<PendingWrite> {
    const target = this.path(key);
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    return {
      stream,
      commit: async () => {
        await closed;
        await mkdir(join(target, '..'), { recursive: true });
        await rename(tmp, target);
      },
      abort: async () => {
        stream.destroy();
        await closed;
        await rm(tmp, { force: true });
      },
    };
  }

  read(key: string, range?: ByteRange): Readable {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
