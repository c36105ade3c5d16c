import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ChannelStatus, Platform } from '../../channels/entities/channel.entity.js';
import type { StoredPlatformChannel } from '../../channels/entities/platform-channel.js';
import { queryRows } from '../../database/postgres-errors.js';

/** One pending profile lookup (a `customer_profile_lookups` row) with its channel as it is now. */
export interface PendingLookup {
  customerId: string;
  workspaceId: string;
  externalUserId: string;
  attempts: number;
  channel: StoredPlatformChannel;
  channelStatus: ChannelStatus;
}

interface PendingLookupRow {
  customer_id: string;
  channel_id: string;
  workspace_id: string;
  external_user_id: string;
  attempts: number;
  platform: Platform;
  external_id: string;
  credentials_encrypted: string;
  status: ChannelStatus;
}

/** A customer's platform identity to look up. */
export interface LookupTarget {
  customerId: string;
  workspaceId: string;
  channelId: string;
  externalUserId: string;
}

/**
 * The durable lookup queue. Claiming bumps `next_attempt_at` by a lease under FOR UPDATE SKIP LOCKED, so several
 * instances never ask about one customer at once and a crash mid-lookup releases it when the lease ends.
 */
@Injectable()
export class ProfileLookupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(manager: EntityManager, targets: LookupTarget[]): Promise<void> {
    if (targets.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile_lookups (customer_id, channel_id, workspace_id, external_user_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])
       ON CONFLICT DO NOTHING`,
      [
        targets.map((target) => target.customerId),
        targets.map((target) => target.channelId),
        targets.map((target) => target.workspaceId),
        targets.map((target) => target.externalUserId),
      ],
    );
  }

  async claimDue(limit: number, leaseMs: number): Promise<PendingLookup[]> {
    const rows = await queryRows<PendingLookupRow>(
      this.dataSource.manager,
      `UPDATE customer_profile_lookups l
          SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), attempts = l.attempts + 1
         FROM channels ch
        WHERE ch.id = l.channel_id AND (l.customer_id, l.channel_id) IN (
          SELECT customer_id, channel_id FROM customer_profile_lookups WHERE next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING l.customer_id, l.channel_id, l.workspace_id, l.external_user_id, l.attempts,
                  ch.platform, ch.external_id, ch.credentials_encrypted, ch.status`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      workspaceId: row.workspace_id,
      externalUserId: row.external_user_id,
      attempts: row.attempts,
      channel: {
        id: row.channel_id,
        workspaceId: row.workspace_id,
        platform: row.platform,
        externalId: row.external_id,
        credentialsEncrypted: row.credentials_encrypted,
      },
      channelStatus: row.status,
    }));
  }

  async retryLater(lookup: PendingLookup, delayMs: number, error: string): Promise<void> {
    await this.dataSource.manager.query(
      `UPDATE customer_profile_lookups SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), last_error = $4
        WHERE customer_id = $1 AND channel_id = $2`,
      [lookup.customerId, lookup.channel.id, delayMs, error.slice(0, 500)],
    );
  }

  async remove(lookup: PendingLookup, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`DELETE FROM customer_profile_lookups WHERE customer_id = $1 AND channel_id = $2`, [
      lookup.customerId,
      lookup.channel.id,
    ]);
  }
}
