import { ApiError, authorizedFetch } from '../api/http-client';
import { tokenStore } from '../auth/token-store';

/** How many object URLs stay cached after their elements unmount (a re-rendered thread reuses them). */
export const MEDIA_CACHE_CAPACITY = 40;

export type MediaLoader = (url: string) => Promise<Blob>;

/** `/api/media/<id>` needs the Bearer token, so media is fetched (not linked) and shown from an object URL. */
export const fetchMedia: MediaLoader = async (url) => {
  const response = await authorizedFetch(url);
  if (!response.ok) {
    throw new ApiError(response.status, `Could not load media (${response.status})`);
  }
  return response.blob();
};

interface Entry {
  objectUrl: Promise<string>;
  /** Mounted elements showing it: an entry in use is never revoked. */
  users: number;
}

/**
 * A small LRU of object URLs keyed by media URL. An element acquires its URL on mount and releases it on
 * unmount; released entries stay for reuse until they fall out of the LRU, and then their object URL is
 * revoked. An entry evicted while still shown is revoked when its last element unmounts.
 */
export class MediaCache {
  private readonly entries = new Map<string, Entry>();
  private readonly evicted = new Map<string, Entry>();

  constructor(
    private readonly load: MediaLoader = fetchMedia,
    private readonly capacity: number = MEDIA_CACHE_CAPACITY,
  ) {}

  acquire(url: string): Promise<string> {
    const entry = this.entries.get(url) ?? this.evicted.get(url) ?? this.create(url);
    this.evicted.delete(url);
    this.entries.delete(url);
    this.entries.set(url, entry); // most recently used last
    entry.users += 1;
    this.evictUnused();
    return entry.objectUrl;
  }

  release(url: string): void {
    const entry = this.entries.get(url) ?? this.evicted.get(url);
    if (!entry) return;
    entry.users = Math.max(0, entry.users - 1);
    if (entry.users === 0 && this.evicted.get(url) === entry) {
      this.evicted.delete(url);
      revoke(entry);
    }
    this.evictUnused();
  }

  /** Drops everything (sign-out): every object URL not shown any more is revoked. */
  clear(): void {
    for (const [url, entry] of this.entries) this.evict(url, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  private create(url: string): Entry {
    const entry: Entry = {
      objectUrl: this.load(url).then((blob) => URL.createObjectURL(blob)),
      users: 0,
    };
    // A failed load is not cached: the next element to mount tries again.
    entry.objectUrl.catch(() => {
      if (this.entries.get(url) === entry) this.entries.delete(url);
      if (this.evicted.get(url) === entry) this.evicted.delete(url);
    });
    return entry;
  }

  private evictUnused(): void {
    for (const [url, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (entry.users === 0) this.evict(url, entry);
    }
  }

  private evict(url: string, entry: Entry): void {
    this.entries.delete(url);
    if (entry.users === 0) revoke(entry);
    else this.evicted.set(url, entry);
  }
}

function revoke(entry: Entry): void {
  entry.objectUrl.then(
    (objectUrl) => URL.revokeObjectURL(objectUrl),
    () => undefined,
  );
}

export const mediaCache = new MediaCache();
tokenStore.subscribe((token) => {
  if (token === null) mediaCache.clear();
});
