import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Media: every stored file (uploads, inbound downloads, avatars) with its sniffed type and checksum, and the
 * durable queue of inbound attachment downloads (a restart does not lose work).
 */
export class Media1765500000000 implements MigrationInterface {
  name = 'Media1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE media (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        -- Set once the file belongs to a message; the row goes with it (the sweep then removes the file).
        message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
        uploader_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
        kind text NOT NULL CHECK (kind IN ('upload', 'inbound', 'avatar')),
        type text NOT NULL CHECK (type IN ('image', 'video', 'audio', 'file', 'sticker')),
        name text NOT NULL,
        mime_type text NOT NULL,
        size bigint NOT NULL CHECK (size > 0),
        sha256 text NOT NULL,
        storage_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX media_workspace_idx ON media (workspace_id);
      CREATE INDEX media_message_idx ON media (message_id) WHERE message_id IS NOT NULL;
      -- The sweep's candidates: no owner (any more). An unsent upload waits out its 24 hours first.
      CREATE INDEX media_sweep_idx ON media (created_at) WHERE message_id IS NULL AND customer_id IS NULL;

      CREATE TABLE media_downloads (
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        attachment_index integer NOT NULL CHECK (attachment_index >= 0),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        url text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, attachment_index)
      );
      CREATE INDEX media_downloads_due_idx ON media_downloads (next_attempt_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE media_downloads; DROP TABLE media;`);
  }
}
