import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer profiles: which fields an agent set (a platform profile never overwrites them), and the durable queue
 * of profile lookups for customers created by webhooks (a restart does not lose one).
 */
export class CustomerProfiles1765700000000 implements MigrationInterface {
  name = 'CustomerProfiles1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customers ADD COLUMN agent_set_fields text[] NOT NULL DEFAULT '{}';

      CREATE TABLE customer_profile_lookups (
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        -- The channel whose credentials ask the platform; gone with it.
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        external_user_id text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, channel_id)
      );
      CREATE INDEX customer_profile_lookups_due_idx ON customer_profile_lookups (next_attempt_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customer_profile_lookups; ALTER TABLE customers DROP COLUMN agent_set_fields;`);
  }
}
