import type { MediaType } from './media-type.js';

export type MediaKind = 'upload' | 'inbound' | 'avatar';

/** A stored media file (the `media` row). */
export interface MediaRecord {
  id: string;
  workspaceId: string;
  messageId: string | null;
  uploaderUserId: string | null;
  customerId: string | null;
  kind: MediaKind;
  type: MediaType;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
}

export interface MediaRow {
  id: string;
  workspace_id: string;
  message_id: string | null;
  uploader_user_id: string | null;
  customer_id: string | null;
  kind: MediaKind;
  type: MediaType;
  name: string;
  mime_type: string;
  size: string;
  sha256: string;
  storage_key: string;
  created_at: Date;
}

export function mediaFromRow(row: MediaRow): MediaRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    messageId: row.message_id,
    uploaderUserId: row.uploader_user_id,
    customerId: row.customer_id,
    kind: row.kind,
    type: row.type,
    name: row.name,
    mimeType: row.mime_type,
    size: Number(row.size),
    sha256: row.sha256,
    storageKey: row.storage_key,
    createdAt: row.created_at,
  };
}

/** The URL the API serves a media file at. */
export function mediaUrl(id: string): string {
  return `/api/media/${id}`;
}
