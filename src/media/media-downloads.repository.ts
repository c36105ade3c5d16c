import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/postgres-errors.js';
import type { MessageAttachment } from '../messages/entities/message.entity.js';
import { messageFromRow, type MessageRow } from '../messages/entities/message.row.js';
import type { MessageEntity } from '../messages/entities/message.entity.js';
import type { ChannelStatus } from '../channels/entities/channel.entity.js';
import {
  storedPlatformChannelFromRow,
  type PlatformChannelRow,
  type StoredPlatformChannel,
} from '../channels/entities/platform-channel.js';

/** One pending inbound attachment download (a `media_downloads` row). */
export interface PendingDownload {
  messageId: string;
  attachmentIndex: number;
  workspaceId: string;
  url: string;
  attempts: number;
  createdAt: Date;
}

interface PendingDownloadRow {
  message_id: string;
  attachment_index: number;
  workspace_id: string;
  url: string;
  attempts: number;
  created_at: Date;
}

/** Where a platform-referenced attachment came from: what its platform's media API needs to hand it out. */
export interface DownloadOrigin {
  /** The message's channel, credentials still encrypted. */
  channel: StoredPlatformChannel;
  channelStatus: ChannelStatus;
  threadKey: string;
  platformMessageId: string | null;
  attachmentType: string;
}

interface DownloadOriginRow extends PlatformChannelRow {
  status: ChannelStatus;
  thread_key: string;
  platform_message_id: string | null;
  attachment_type: string | null;
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
        RETURNING message_id, attachment_index, workspace_id, url, attempts, created_at`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      attachmentIndex: row.attachment_index,
      workspaceId: row.workspace_id,
      url: row.url,
      attempts: row.attempts,
      createdAt: row.created_at,
    }));
  }

  /** The channel, thread and platform message of a download's attachment; null once the message is gone. */
  async originOf(download: PendingDownload): Promise<DownloadOrigin | null> {
    const [row] = await queryRows<DownloadOriginRow>(
      this.dataSource.manager,
      `SELECT ch.id, ch.workspace_id, ch.platform, ch.external_id, ch.credentials_encrypted, ch.status,
              c.thread_key, m.platform_message_id, m.attachments -> $3::int ->> 'type' AS attachment_type
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
         JOIN channels ch ON ch.id = m.channel_id AND ch.workspace_id = m.workspace_id
        WHERE m.id = $1 AND m.workspace_id = $2`,
      [download.messageId, download.workspaceId, download.attachmentIndex],
    );
    if (!row) return null;
    return {
      channel: storedPlatformChannelFromRow(row),
      channelStatus: row.status,
      threadKey: row.thread_key,
      platformMessageId: row.platform_message_id,
      attachmentType: row.attachment_type ?? 'file',
    };
  }

  /**
   * A channel is active again: its downloads waiting beyond `leaseMs` are due now rather than at their next look.
   * Nearer ones are left alone: a claimed download's lease must not be cut short (two workers would fetch it).
   */
  async makeChannelDue(manager: EntityManager, workspaceId: string, channelId: string, leaseMs: number): Promise<void> {
    await manager.query(
      `UPDATE media_downloads d SET next_attempt_at = now()
         FROM messages m
        WHERE m.id = d.message_id AND m.workspace_id = $1 AND m.channel_id = $2
          AND d.next_attempt_at > now() + make_interval(secs => $3::double precision / 1000)`,
      [workspaceId, channelId, leaseMs],
    );
  }

  /** Waits for a channel to be reconnected: later, without spending one of the download's attempts. */
  async holdUntil(download: PendingDownload, delayMs: number, reason: string): Promise<void> {
    await this.dataSource.manager.query(
      `UPDATE media_downloads SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
              attempts = GREATEST(attempts - 1, 0), last_error = $4
        WHERE message_id = $1 AND attachment_index = $2`,
      [download.messageId, download.attachmentIndex, delayMs, reason.slice(0, 500)],
    );
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
