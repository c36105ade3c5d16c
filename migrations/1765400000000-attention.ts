import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attention: the order messages were stored in (read points and the collision guard compare it), per-user read
 * points, a user scope on the event log (events only one user may receive), and trigram indexes for `q=`.
 */
export class Attention1765400000000 implements MigrationInterface {
  name = 'Attention1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- Taken at insert; inserts into one conversation hold its row lock, so this is the conversation's stored order.
      ALTER TABLE messages ADD COLUMN stored_order bigserial NOT NULL;
      CREATE INDEX messages_conversation_stored_order_idx ON messages (conversation_id, stored_order DESC) INCLUDE (sender, status);

      CREATE TABLE conversation_reads (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        last_read_order bigint NOT NULL,
        last_read_message_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, conversation_id)
      );
      CREATE INDEX conversation_reads_conversation_idx ON conversation_reads (conversation_id);

      ALTER TABLE events ADD COLUMN user_id uuid;

      -- Every serving instance and its heartbeat; an instance silent past its timeout is removed with its streams.
      CREATE TABLE stream_instances (
        instance_id uuid PRIMARY KEY,
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      );
      -- Open streams per (instance, user): the limit per user and presence count them across instances.
      CREATE TABLE open_streams (
        instance_id uuid NOT NULL REFERENCES stream_instances(instance_id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        stream_count integer NOT NULL CHECK (stream_count >= 0),
        PRIMARY KEY (instance_id, user_id)
      );
      CREATE INDEX open_streams_user_idx ON open_streams (user_id);
      -- The presence each user was last announced with; one UPDATE … WHERE status <> new decides each change.
      CREATE TABLE user_presence (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
        since timestamptz,
        last_active_at timestamptz,
        last_stream_closed_at timestamptz
      );
      CREATE INDEX user_presence_workspace_idx ON user_presence (workspace_id);
    `);
    // pg_trgm is a trusted extension (PostgreSQL 13+); where it cannot be created, q= still works, by sequential ILIKE.
    await queryRunner.query(`
      DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX messages_content_trgm_idx ON messages USING gin (content gin_trgm_ops);
        CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);
      EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
        RAISE NOTICE 'pg_trgm unavailable: conversation search runs without trigram indexes';
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS user_presence, open_streams, stream_instances;
      DROP INDEX IF EXISTS customers_name_trgm_idx;
      DROP INDEX IF EXISTS messages_content_trgm_idx;
      ALTER TABLE events DROP COLUMN user_id;
      DROP TABLE conversation_reads;
      ALTER TABLE messages DROP COLUMN stored_order;
    `);
  }
}
