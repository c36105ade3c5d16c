import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { queryRows } from '../database/postgres-errors.js';
import { mediaFromRow, type MediaRecord, type MediaRow } from './media.record.js';

/** A media row before it is inserted. */
export type NewMedia = Omit<MediaRecord, 'id' | 'createdAt'>;

/** Every query on `media`, each scoped by workspace (the sweep is the one cross-workspace job). */
@Injectable()
export class MediaRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(media: NewMedia, manager?: EntityManager): Promise<MediaRecord> {
    const [row] = await queryRows<MediaRow>(
      this.manager(manager),
      `INSERT INTO media (workspace_id, message_id, uploader_user_id, customer_id, kind, type, name, mime_type, size, sha256, storage_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        media.workspaceId,
        media.messageId,
        media.uploaderUserId,
        media.customerId,
        media.kind,
        media.type,
        media.name,
        media.mimeType,
        media.size,
        media.sha256,
        media.storageKey,
      ],
    );
    return mediaFromRow(row);
  }

  async getById(id: string, manager?: EntityManager): Promise<MediaRecord | null> {
    const [row] = await queryRows<MediaRow>(this.manager(manager), `SELECT * FROM media WHERE id = $1`, [id]);
    return row ? mediaFromRow(row) : null;
  }

  async findForWorkspace(workspaceId: string, ids: string[], manager?: EntityManager): Promise<MediaRecord[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<MediaRow>(
      this.manager(manager),
      `SELECT * FROM media WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [workspaceId, ids],
    );
    return rows.map(mediaFromRow);
  }

  /**
   * Unsent uploads of the actor's workspace (no message yet, younger than `maxAgeMs`) among `ids`: what a send may
   * attach. Agents may attach only their own uploads; admins any of the workspace's.
   */
  async findUsableUploads(actor: AuthUser, ids: string[], maxAgeMs: number, manager?: EntityManager): Promise<MediaRecord[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<MediaRow>(
      this.manager(manager),
      `SELECT * FROM media
        WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND kind = 'upload' AND message_id IS NULL
          AND created_at > now() - make_interval(secs => $3::double precision / 1000)
          AND ($4::boolean OR uploader_user_id = $5)`,
      [actor.workspaceId, ids, maxAgeMs, actor.role === 'admin', actor.id],
    );
    return rows.map(mediaFromRow);
  }

  /** Whether the actor may see the message a media file belongs to (workspace + channel membership). */
  async canSeeMessage(actor: AuthUser, messageId: string): Promise<boolean> {
    const rows = await queryRows<{ visible: boolean }>(
      this.dataSource.manager,
      `SELECT true AS visible FROM messages m
        WHERE m.id = $1 AND m.workspace_id = $2
          AND ($3::boolean OR m.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = $4))`,
      [messageId, actor.workspaceId, actor.role === 'admin', actor.id],
    );
    return rows.length > 0;
  }

  /** Links media to the message that carries it. Returns how many were linked (one already linked is not). */
  async attachToMessage(workspaceId: string, ids: string[], messageId: string, manager?: EntityManager): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await queryRows<{ id: string }>(
      this.manager(manager),
      `UPDATE media SET message_id = $3 WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND message_id IS NULL RETURNING id`,
      [workspaceId, ids, messageId],
    );
    return rows.length;
  }

  /** A customer's avatars other than `keepId` lose their owner (the sweep removes them). */
  async releaseAvatars(workspaceId: string, customerId: string, keepId: string, manager?: EntityManager): Promise<void> {
    await this.manager(manager).query(
      `UPDATE media SET customer_id = NULL WHERE workspace_id = $1 AND customer_id = $2 AND kind = 'avatar' AND id <> $3`,
      [workspaceId, customerId, keepId],
    );
  }

  /**
   * Media whose owner is gone: inbound files and avatars without their message/customer (deleted with a channel or
   * customer), and uploads never sent within `uploadTtlMs`.
   */
  async listOrphans(uploadTtlMs: number, limit: number): Promise<MediaRecord[]> {
    const rows = await queryRows<MediaRow>(
      this.dataSource.manager,
      `SELECT * FROM media
        WHERE message_id IS NULL AND customer_id IS NULL
          AND (kind <> 'upload' OR created_at < now() - make_interval(secs => $1::double precision / 1000))
        ORDER BY created_at LIMIT $2`,
      [uploadTtlMs, limit],
    );
    return rows.map(mediaFromRow);
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.manager.query(`DELETE FROM media WHERE id = $1`, [id]);
  }
}
