import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/postgres-errors.js';
import type { MessageAttachment } from '../messages/entities/message.entity.js';
import { messageFromRow, type MessageRow } from '../messages/entities/message.row.js';
import type { MessageEntity } from '../messages/entities/message.entity.js';

/** One pending inbound attachment download (a `media_downloads` row). */
export interface PendingDownload {
  messageId: string;
  attachmentIndex: number;
  workspaceId: string;
  url: string;
  attempts: number;
}

interface PendingDownloadRow {
  message_id: string;
  attachment_index: number;
  workspace_id: string;
  url: string;
  attempts: number;
}

/**
 * The durable download queue. Claiming bumps `next_attempt_at` by a lease under FOR UPDATE SKIP LOCKED, so
 * several instances never fetch one attachment at once and a crash mid-download releases it when the lease ends.
 */
@Injectable()
export class MediaDownloadsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(manager: EntityManager, workspaceId: string, messageId: string, urls: Array<{ index: number; url: string }>): Promise<void> {
    if (urls.length === 0) return;
    await manager.query(
      `INSERT INTO media_downloads (message_id, attachment_index, workspace_id, url)
       SELECT $1, item.index, $2, item.url FROM unnest($3::int[], $4::text[]) AS item(index, url)
       ON CONFLICT DO NOTHING`,
      [messageId, workspaceId, urls.map((entry) => entry.index), urls.map((entry) => entry.url)],
    );
  }

  async claimDue(limit: number, leaseMs: number): Promise<PendingDownload[]> {
    const rows = await queryRows<PendingDownloadRow>(
      this.dataSource.manager,
      `UPDATE media_downloads SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), attempts = attempts + 1
        WHERE (message_id, attachment_index) IN (
          SELECT message_id, attachment_index FROM media_downloads WHERE next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING message_id, attachment_index, workspace_id, url, attempts`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      attachmentIndex: row.attachment_index,
      workspaceId: row.workspace_id,
      url: row.url,
      attempts: row.attempts,
    }));
  }

  async retryLater(download: PendingDownload, delayMs: number, error: string): Promise<void> {
    await this.dataSource.manager.query(
      `UPDATE media_downloads SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), last_error = $4
        WHERE message_id = $1 AND attachment_index = $2`,
      [download.messageId, download.attachmentIndex, delayMs, error.slice(0, 500)],
    );
  }

  async remove(manager: EntityManager, download: PendingDownload): Promise<void> {
    await manager.query(`DELETE FROM media_downloads WHERE message_id = $1 AND attachment_index = $2`, [
      download.messageId,
      download.attachmentIndex,
    ]);
  }

  /**
   * Merges `fields` into one attachment of a message (the row locked; only while it still has the URL that was
   * downloaded). Returns the message after the change, or null when it is gone or changed meanwhile.
   */
  async updateAttachment(
    manager: EntityManager,
    download: PendingDownload,
    fields: Partial<MessageAttachment>,
  ): Promise<MessageEntity | null> {
    const [row] = await queryRows<MessageRow>(
      manager,
      `UPDATE messages SET attachments = jsonb_set(attachments, ARRAY[$3::text], attachments -> $3::int || $4::jsonb), updated_at = now()
        WHERE id = $1 AND workspace_id = $2 AND attachments -> $3::int ->> 'url' = $5
        RETURNING *`,
      [download.messageId, download.workspaceId, download.attachmentIndex, JSON.stringify(fields), download.url],
    );
    return row ? messageFromRow(row) : null;
  }
}
