import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/http-client';
import type { Platform, Upload } from '../api/models';
import { uploadFile, type UploadFile } from '../api/uploads';
import type { Attachment } from './attachment';
import { mediaKindOf, mediaLimitProblem, type MediaFacts } from './media-limits';

/**
 * `uploading` → `ready` (stored, has an id) or `failed` (refused by the server or unreachable); `held`: not
 * uploaded because the conversation's platform cannot take it.
 */
export type ChipStatus = 'uploading' | 'ready' | 'failed' | 'held';

/** One file in the composer. */
export interface ComposerAttachment {
  key: string;
  name: string;
  size: number;
  /** The browser's guess of the type, until the server has read the bytes. */
  mimeType: string;
  /** An object URL of the local file, for an image's thumbnail; revoked when the chip goes. */
  previewUrl: string | null;
  status: ChipStatus;
  /** 0 to 1 while uploading. */
  progress: number;
  upload: Upload | null;
  error: string | null;
}

/** A chip as shown: with why the platform cannot take it (blocks Send). */
export interface AttachmentChip extends ComposerAttachment {
  problem: string | null;
}

interface Resources {
  controller: AbortController;
  previewUrl: string | null;
}

function factsOf(item: ComposerAttachment): MediaFacts {
  const mimeType = item.upload?.mimeType ?? item.mimeType;
  return { kind: mediaKindOf(mimeType), mimeType, size: item.upload?.size ?? item.size };
}

function uploadError(error: unknown): string {
  if (error instanceof ApiError && error.status === 413) return `Too large to upload: ${error.message}`;
  if (error instanceof ApiError && error.status === 400) return `Not accepted: ${error.message}`;
  return error instanceof Error ? error.message : 'Upload failed';
}

/** An upload as a message attachment (the optimistic bubble shows it from the server, with the token). */
export function uploadAttachment(upload: Upload): Attachment {
  return {
    type: upload.type,
    url: upload.url,
    mediaId: upload.id,
    name: upload.name,
    mimeType: upload.mimeType,
    size: upload.size,
    originalUrl: null,
  };
}

/** Why Send must wait, or null. */
function blockingReason(chips: AttachmentChip[]): string | null {
  if (chips.some((chip) => chip.status === 'uploading')) return 'Waiting for the uploads to finish';
  if (chips.some((chip) => chip.status === 'failed'))
    return 'Remove the attachments that could not be uploaded';
  return chips.find((chip) => chip.problem)?.problem ?? null;
}

/**
 * The files of a reply being written: each uploads as soon as it is chosen (with its progress), can be
 * removed (cancelling its upload), and is checked against the platform's limits. Sending takes the chips;
 * a refused send gives them back, a sent one disposes of them.
 */
export function useComposerAttachments(platform: Platform | undefined, upload: UploadFile = uploadFile) {
  const [items, setItems] = useState<ComposerAttachment[]>([]);
  const resources = useRef(new Map<string, Resources>());

  const patch = useCallback((key: string, change: Partial<ComposerAttachment>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const release = useCallback((keys: string[]) => {
    for (const key of keys) {
      const owned = resources.current.get(key);
      if (!owned) continue;
      owned.controller.abort();
      if (owned.previewUrl) URL.revokeObjectURL(owned.previewUrl);
      resources.current.delete(key);
    }
  }, []);

  useEffect(() => {
    const owned = resources.current;
    return () => release([...owned.keys()]);
  }, [release]);

  const add = useCallback(
    (files: File[]) => {
      const added = files.map((file): ComposerAttachment => {
        const key = crypto.randomUUID();
        const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
        const controller = new AbortController();
        resources.current.set(key, { controller, previewUrl });
        const item: ComposerAttachment = {
          key,
          name: file.name || 'attachment',
          size: file.size,
          mimeType: file.type,
          previewUrl,
          status: 'uploading',
          progress: 0,
          upload: null,
          error: null,
        };
        // A file the platform cannot take is not uploaded at all: the chip says why.
        if (platform && mediaLimitProblem(platform, factsOf(item))) return { ...item, status: 'held' };
        upload(file, (progress) => patch(key, { progress }), controller.signal).then(
          (stored) => patch(key, { status: 'ready', progress: 1, upload: stored }),
          (error: unknown) => {
            if (!controller.signal.aborted) patch(key, { status: 'failed', error: uploadError(error) });
          },
        );
        return item;
      });
      setItems((list) => [...list, ...added]);
    },
    [patch, platform, upload],
  );

  const chips = useMemo<AttachmentChip[]>(
    () =>
      items.map((item) => ({
        ...item,
        problem: platform ? mediaLimitProblem(platform, factsOf(item)) : null,
      })),
    [items, platform],
  );

  return {
    chips,
    blockedReason: blockingReason(chips),
    add,
    remove: useCallback(
      (key: string) => {
        release([key]);
        setItems((list) => list.filter((item) => item.key !== key));
      },
      [release],
    ),
    /** Takes every chip out of the composer for sending (kept alive until restored or disposed). */
    take: (): ComposerAttachment[] => {
      setItems([]);
      return items;
    },
    /** A refused send: the chips come back, before any the agent has chosen meanwhile. */
    restore: (taken: ComposerAttachment[]) => setItems((list) => [...taken, ...list]),
    dispose: (taken: ComposerAttachment[]) => release(taken.map((item) => item.key)),
  };
}
