import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel health (status, token expiry, refresh scheduling, the human-agent tag), the reply-window inputs on
 * each conversation, and receipts that arrive before the send they confirm is recorded.
 */
export class ChannelHealth1765300000000 implements MigrationInterface {
  name = 'ChannelHealth1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE channels
        ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reconnect')),
        ADD COLUMN status_reason text,
        ADD COLUMN token_expires_at timestamptz,
        ADD COLUMN can_refresh_token boolean NOT NULL DEFAULT false,
        ADD COLUMN human_agent_tag boolean NOT NULL DEFAULT false,
        ADD COLUMN token_refresh_due_at timestamptz,
        ADD COLUMN token_refresh_failures integer NOT NULL DEFAULT 0;
      CREATE INDEX channels_token_refresh_due_idx ON channels (token_refresh_due_at)
        WHERE token_refresh_due_at IS NOT NULL;

      ALTER TABLE conversations
        ADD COLUMN last_customer_message_at timestamptz,
        ADD COLUMN agent_messages_since_customer integer NOT NULL DEFAULT 0;
      UPDATE conversations c SET
        last_customer_message_at = last_customer.sent_at,
        agent_messages_since_customer = (
          SELECT count(*) FROM messages m
           WHERE m.conversation_id = c.id AND m.sender = 'agent' AND m.status <> 'failed'
             AND m.sent_at > last_customer.sent_at)
        FROM (SELECT conversation_id, max(sent_at) AS sent_at FROM messages WHERE sender = 'customer'
               GROUP BY conversation_id) last_customer
       WHERE last_customer.conversation_id = c.id;

      CREATE TABLE pending_receipts (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        platform_message_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('delivered', 'read')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_id, platform_message_id)
      );
      CREATE INDEX pending_receipts_received_idx ON pending_receipts (received_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE pending_receipts;
      ALTER TABLE conversations DROP COLUMN last_customer_message_at, DROP COLUMN agent_messages_since_customer;
      ALTER TABLE channels DROP COLUMN status, DROP COLUMN status_reason, DROP COLUMN token_expires_at,
        DROP COLUMN can_refresh_token, DROP COLUMN human_agent_tag, DROP COLUMN token_refresh_due_at,
        DROP COLUMN token_refresh_failures;
    `);
  }
}
