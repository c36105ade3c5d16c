import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/postgres-errors.js';
import type { MessagePart, PlannedPart } from './message-parts.js';

interface MessagePartRow {
  message_id: string;
  part_index: number;
  kind: 'text' | 'file';
  media_id: string | null;
  attempts: number;
  platform_message_id: string | null;
}

function partFromRow(row: MessagePartRow): MessagePart {
  return {
    messageId: row.message_id,
    index: row.part_index,
    kind: row.kind,
    mediaId: row.media_id,
    attempts: row.attempts,
    platformMessageId: row.platform_message_id,
  };
}

/** The message each part belongs to, as the parts table knows it. */
export interface PartOwner {
  id: string;
  workspaceId: string;
  channelId: string;
}

/**
 * Every query on `message_parts`, each scoped by workspace: the plan of a message with attachments and each
 * part's progress (the platform id once accepted, the attempts that reached the platform).
 */
@Injectable()
export class MessagePartsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertParts(manager: EntityManager, message: PartOwner, parts: PlannedPart[]): Promise<void> {
    if (parts.length === 0) return;
    await manager.query(
      `INSERT INTO message_parts (message_id, part_index, workspace_id, channel_id, kind, media_id)
       SELECT $1, part.index, $2, $3, part.kind, part.media_id
         FROM unnest($4::int[], $5::text[], $6::uuid[]) AS part(index, kind, media_id)`,
      [
        message.id,
        message.workspaceId,
        message.channelId,
        parts.map((part) => part.index),
        parts.map((part) => part.kind),
        parts.map((part) => part.mediaId),
      ],
    );
  }

  /** The parts of a message in sending order; empty for a text-only message. `lock`: FOR UPDATE. */
  async listParts(
    workspaceId: string,
    messageId: string,
    options: { manager?: EntityManager; lock?: boolean } = {},
  ): Promise<MessagePart[]> {
    const rows = await queryRows<MessagePartRow>(
      options.manager ?? this.dataSource.manager,
      `SELECT * FROM message_parts WHERE message_id = $1 AND workspace_id = $2 ORDER BY part_index
       ${options.lock ? 'FOR UPDATE' : ''}`,
      [messageId, workspaceId],
    );
    return rows.map(partFromRow);
  }

  /** Records the platform's id of an accepted part (which counts as an attempt). False when it already had one. */
  async recordAccepted(
    manager: EntityManager,
    workspaceId: string,
    messageId: string,
    index: number,
    platformMessageId: string,
  ): Promise<boolean> {
    const rows = await queryRows<{ part_index: number }>(
      manager,
      `UPDATE message_parts SET platform_message_id = $4, sent_at = now(), attempts = attempts + 1
        WHERE message_id = $1 AND workspace_id = $2 AND part_index = $3 AND platform_message_id IS NULL
        RETURNING part_index`,
      [messageId, workspaceId, index, platformMessageId],
    );
    return rows.length > 0;
  }

  /** A transient failure of one part: the attempt is counted, the message is due again after the backoff. */
  async rescheduleAfterFailure(
    workspaceId: string,
    messageId: string,
    index: number,
    delayMs: number,
  ): Promise<void> {
    await this.dataSource.query(
      `WITH counted AS (
         UPDATE message_parts SET attempts = attempts + 1
          WHERE message_id = $1 AND workspace_id = $2 AND part_index = $3
       )
       UPDATE messages SET next_attempt_at = now() + make_interval(secs => $4), updated_at = now()
        WHERE id = $1 AND workspace_id = $2 AND status = 'pending'`,
      [messageId, workspaceId, index, delayMs / 1000],
    );
  }

  /** Whether any part of a message on this channel carries this platform id (its echo, a receipt). */
  async existsByPlatformId(
    manager: EntityManager,
    workspaceId: string,
    channelId: string,
    platformMessageId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await queryRows(
      manager,
      `SELECT 1 FROM message_parts WHERE channel_id = $1 AND platform_message_id = $2 AND workspace_id = $3`,
      [channelId, platformMessageId, workspaceId],
    );
    return rows.length > 0;
  }
}
