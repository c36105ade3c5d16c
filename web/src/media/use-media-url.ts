import { useEffect, useState } from 'react';
import { mediaCache, type MediaCache } from './media-cache';

export interface MediaState {
  objectUrl: string | null;
  error: string | null;
}

/** The object URL of a stored media file while the element is mounted (null while loading). */
export function useMediaUrl(url: string | null, cache: MediaCache = mediaCache): MediaState {
  const [state, setState] = useState<MediaState>({ objectUrl: null, error: null });
  useEffect(() => {
    if (!url) return undefined;
    let current = true;
    cache.acquire(url).then(
      (objectUrl) => current && setState({ objectUrl, error: null }),
      (error: unknown) =>
        current &&
        setState({ objectUrl: null, error: error instanceof Error ? error.message : 'Could not load' }),
    );
    return () => {
      current = false;
      cache.release(url);
    };
  }, [url, cache]);
  return url ? state : { objectUrl: null, error: null };
}
