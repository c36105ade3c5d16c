import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message parts: an agent message with attachments goes out as consecutive platform messages (its text, then
 * each file in order). Each part records the platform's id once accepted, so a restart resumes with the next
 * part and never sends an accepted one again; receipts and echoes of any part find their message.
 */
export class MessageParts1765600000000 implements MigrationInterface {
  name = 'MessageParts1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE message_parts (
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        part_index integer NOT NULL CHECK (part_index >= 0),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('text', 'file')),
        -- The file of a file part; null for the text part (and if the file was removed before it went out).
        media_id uuid REFERENCES media(id) ON DELETE SET NULL,
        -- Attempts of this part that reached the platform (retries back off per part).
        attempts integer NOT NULL DEFAULT 0,
        platform_message_id text,
        sent_at timestamptz,
        PRIMARY KEY (message_id, part_index),
        CHECK (kind = 'file' OR media_id IS NULL)
      );
      -- Receipts and echoes look a part up by its platform id on the channel.
      CREATE INDEX message_parts_platform_id_idx ON message_parts (channel_id, platform_message_id)
        WHERE platform_message_id IS NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE message_parts;`);
  }
}
