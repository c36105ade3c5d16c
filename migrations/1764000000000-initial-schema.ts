import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole first schema: tenancy, inbox entities, the event log and the outbound send queue. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workspaces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'agent')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));
      CREATE INDEX users_workspace_idx ON users (workspace_id);

      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        platform text NOT NULL CHECK (platform IN ('facebook', 'zalo', 'tiktok')),
        external_id text NOT NULL,
        name text NOT NULL,
        credentials_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channels_platform_external_id_key UNIQUE (platform, external_id)
      );
      CREATE INDEX channels_workspace_idx ON channels (workspace_id);

      CREATE TABLE channel_members (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_id, user_id)
      );
      CREATE INDEX channel_members_user_idx ON channel_members (user_id);

      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text,
        phone text,
        email text,
        notes text,
        avatar_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX customers_workspace_created_idx ON customers (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

      CREATE TABLE customer_identities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        platform text NOT NULL,
        external_user_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customer_identities_channel_user_key UNIQUE (channel_id, external_user_id)
      );
      CREATE INDEX customer_identities_customer_idx ON customer_identities (customer_id);

      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id),
        platform text NOT NULL,
        thread_key text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
        assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
        last_message_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversations_channel_thread_key UNIQUE (channel_id, thread_key)
      );
      CREATE INDEX conversations_workspace_activity_idx ON conversations (workspace_id, last_message_at DESC, id DESC);
      CREATE INDEX conversations_channel_activity_idx ON conversations (channel_id, last_message_at DESC, id DESC);

      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        sender text NOT NULL CHECK (sender IN ('customer', 'agent')),
        sender_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        content text NOT NULL DEFAULT '',
        attachments jsonb NOT NULL DEFAULT '[]',
        sent_at timestamptz NOT NULL DEFAULT now(),
        platform_message_id text,
        status text NOT NULL CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
        error text,
        client_message_id text,
        send_attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX messages_channel_platform_id_key ON messages (channel_id, platform_message_id)
        WHERE platform_message_id IS NOT NULL;
      CREATE UNIQUE INDEX messages_conversation_client_id_key ON messages (conversation_id, client_message_id)
        WHERE client_message_id IS NOT NULL;
      CREATE INDEX messages_conversation_sent_idx ON messages (conversation_id, sent_at DESC, id DESC);
      CREATE INDEX messages_send_queue_idx ON messages (next_attempt_at) WHERE status = 'pending';

      -- The event log (transactional outbox). Ids are taken under an advisory lock held until commit, so
      -- ids become visible in increasing order and a reader never skips a later-committing smaller id.
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        workspace_id uuid NOT NULL,
        type text NOT NULL,
        channel_id uuid,
        conversation_id uuid,
        data json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX events_created_idx ON events (created_at);

      -- Single row: the largest event id removed by retention (resume points at or below it are gone).
      CREATE TABLE event_log_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        pruned_through bigint NOT NULL DEFAULT 0
      );
      INSERT INTO event_log_state (singleton, pruned_through) VALUES (true, 0);

      CREATE TABLE stream_tickets (
        ticket_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_expires_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX stream_tickets_expires_idx ON stream_tickets (expires_at);

      CREATE TABLE event_cursors (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_id text NOT NULL,
        last_event_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, client_id)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE IF EXISTS event_cursors, stream_tickets, event_log_state, events, messages, conversations,
        customer_identities, customers, channel_members, channels, users, workspaces CASCADE;
    `);
  }
}
