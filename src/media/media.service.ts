import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ValidationError } from '../common/errors/domain-errors.js';
import { MediaRepository } from './media.repository.js';
import { newStorageKey, MEDIA_STORAGE, type ByteRange, type MediaStorage } from './media-storage.js';
import { sniffMediaType, SNIFF_BYTES, type MediaType } from './media-type.js';
import type { MediaKind, MediaRecord } from './media.record.js';

/** An upload may be attached to a message for this long. */
export const UPLOAD_USABLE_MS = 24 * 60 * 60 * 1000;

/** Who a stored file belongs to, and what to call it. The type and MIME type always come from the bytes. */
export interface MediaMeta {
  workspaceId: string;
  kind: MediaKind;
  /** A function when the name depends on the type the bytes turn out to be (given the stored MIME type). */
  name: string | ((mimeType: string) => string);
  messageId?: string | null;
  uploaderUserId?: string | null;
  customerId?: string | null;
  /** Lower than UPLOAD_MAX_BYTES if the caller wants (e.g. a platform's limit). */
  maxBytes?: number;
  /** Store an image as `sticker` (the platform said so); only honoured when the bytes are an image. */
  sticker?: boolean;
  manager?: EntityManager;
}

/** The input was larger than allowed; nothing was kept. */
export class MediaTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
  }
}

/** An opened media file: its record, and its bytes (whole or a range) on demand. */
export interface OpenedMedia {
  record: MediaRecord;
  stream(range?: ByteRange): Readable;
}

const MAX_NAME_LENGTH = 255;

/** A file name safe to store and to send back in Content-Disposition: no path, no control characters. */
export function cleanFileName(raw: string | undefined, fallback: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, MAX_NAME_LENGTH);
  return cleaned || fallback;
}

/** Counts, hashes and keeps the first bytes of what passes through; fails once past the limit. */
class Inspector extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly limit: number) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(new MediaTooLargeError(this.limit));
    this.hash.update(chunk);
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.headChunks.push(part);
      this.headLength += part.length;
    }
    done(null, chunk);
  }
}

/**
 * The media store. Everyone who stores or serves a file goes through here:
 * - `store(input, meta)`: streams `input` to a temp file (size limit enforced while reading, sha256 while writing),
 *   sniffs the type from the bytes, renames it into place and records it. Rejects with MediaTooLargeError past the
 *   limit and ValidationError for an empty or unsupported file; in both cases nothing is left on disk.
 * - `open(id)`: the record and a stream of its bytes (optionally a range).
 * - `findForWorkspace(workspaceId, ids)`: records of one workspace.
 * - `findUsableUploads(actor, ids)`: unsent uploads the actor may attach to a message now (24 h).
 * - `attachToMessage(workspaceId, ids, messageId, manager?)`: marks uploads as sent with a message.
 * - `releaseAvatars(workspaceId, customerId, keepId, manager?)`: a customer's replaced avatars lose their owner.
 * - `delete(id)`: the file and its record.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);

  constructor(
    private readonly media: MediaRepository,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async store(input: Readable, meta: MediaMeta): Promise<MediaRecord> {
    const limit = Math.min(meta.maxBytes ?? this.config.uploadMaxBytes, this.config.uploadMaxBytes);
    const key = newStorageKey();
    const write = await this.storage.begin(key);
    const inspector = new Inspector(limit);
    try {
      await pipeline(input, inspector, write.stream);
    } catch (error) {
      await write.abort();
      throw error;
    }
    const sniffed = await sniffMediaType(inspector.head);
    if (inspector.size === 0 || !sniffed) {
      await write.abort();
      throw new ValidationError(inspector.size === 0 ? 'file is empty' : 'file type is not supported');
    }
    await write.commit();
    const type: MediaType = meta.sticker && sniffed.type === 'image' ? 'sticker' : sniffed.type;
    try {
      return await this.media.insert(
        {
          workspaceId: meta.workspaceId,
          messageId: meta.messageId ?? null,
          uploaderUserId: meta.uploaderUserId ?? null,
          customerId: meta.customerId ?? null,
          kind: meta.kind,
          type,
          name: cleanFileName(typeof meta.name === 'function' ? meta.name(sniffed.mimeType) : meta.name, sniffed.type),
          mimeType: sniffed.mimeType,
          size: inspector.size,
          sha256: inspector.hash.digest('hex'),
          storageKey: key,
        },
        meta.manager,
      );
    } catch (error) {
      await this.storage.delete(key);
      throw error;
    }
  }

  async open(id: string): Promise<OpenedMedia | null> {
    const record = await this.media.getById(id);
    if (!record) return null;
    return { record, stream: (range) => this.storage.read(record.storageKey, range) };
  }

  findForWorkspace(workspaceId: string, ids: string[], manager?: EntityManager): Promise<MediaRecord[]> {
    return this.media.findForWorkspace(workspaceId, ids, manager);
  }

  findUsableUploads(actor: AuthUser, ids: string[], manager?: EntityManager): Promise<MediaRecord[]> {
    return this.media.findUsableUploads(actor, ids, UPLOAD_USABLE_MS, manager);
  }

  /** Returns how many uploads were linked (one already sent with another message is not). */
  attachToMessage(workspaceId: string, ids: string[], messageId: string, manager?: EntityManager): Promise<number> {
    return this.media.attachToMessage(workspaceId, ids, messageId, manager);
  }

  /** A new avatar replaced the customer's others: they become ownerless, and the sweep removes them. */
  releaseAvatars(workspaceId: string, customerId: string, keepId: string, manager?: EntityManager): Promise<void> {
    return this.media.releaseAvatars(workspaceId, customerId, keepId, manager);
  }

  async delete(id: string): Promise<void> {
    const record = await this.media.getById(id);
    if (!record) return;
    await this.storage.delete(record.storageKey);
    await this.media.delete(id);
  }

  /** Removes files whose owner is gone (see MediaRepository.listOrphans). Returns how many. */
  async sweepOrphans(limit = 500): Promise<number> {
    const orphans = await this.media.listOrphans(UPLOAD_USABLE_MS + 60 * 60 * 1000, limit);
    for (const orphan of orphans) {
      try {
        await this.delete(orphan.id);
      } catch (error) {
        this.logger.warn(`could not remove orphaned media ${orphan.id}: ${(error as Error).message}`);
      }
    }
    return orphans.length;
  }
}
