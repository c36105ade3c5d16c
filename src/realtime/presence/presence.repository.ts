import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../../database/postgres-errors.js';

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface PresenceChange {
  userId: string;
  workspaceId: string;
  status: PresenceStatus;
  since: Date | null;
}

/** Timings of the presence rules, in milliseconds. */
export interface PresenceTimings {
  awayMs: number;
  offlineGraceMs: number;
  /** An instance whose heartbeat is older than this is dead: its streams no longer count. */
  instanceTimeoutMs: number;
}

/** Users whose streams are open on a live instance, with how many. */
const LIVE_STREAMS = `
  SELECT open_streams.user_id, sum(open_streams.stream_count)::int AS streams
    FROM open_streams JOIN stream_instances USING (instance_id)
   WHERE stream_instances.heartbeat_at > now() - make_interval(secs => $1::double precision / 1000)
   GROUP BY open_streams.user_id`;

/** Every query on stream_instances, open_streams and user_presence. */
@Injectable()
export class PresenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async heartbeat(instanceId: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO stream_instances (instance_id) VALUES ($1) ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()',
      [instanceId],
    );
  }

  /** Replaces this instance's stream counts with the ones it holds (one statement for all users). */
  async syncCounts(instanceId: string, counts: Map<string, number>): Promise<void> {
    await this.dataSource.query(
      `WITH current AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS counted (user_id, stream_count)),
            removed AS (DELETE FROM open_streams WHERE instance_id = $1 AND user_id NOT IN (SELECT user_id FROM current))
       INSERT INTO open_streams (instance_id, user_id, stream_count)
       SELECT $1, user_id, stream_count FROM current JOIN users ON users.id = current.user_id
       ON CONFLICT (instance_id, user_id) DO UPDATE SET stream_count = excluded.stream_count`,
      [instanceId, [...counts.keys()], [...counts.values()]],
    );
  }

  async expireDeadInstances(timeoutMs: number): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM stream_instances WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)',
      [timeoutMs],
    );
  }

  /** Live instances other than this one. */
  async otherLiveInstances(instanceId: string, timeoutMs: number): Promise<number> {
    const [row] = await queryRows<{ instances: number }>(
      this.dataSource,
      `SELECT count(*)::int AS instances FROM stream_instances
        WHERE instance_id <> $1 AND heartbeat_at > now() - make_interval(secs => $2::double precision / 1000)`,
      [instanceId, timeoutMs],
    );
    return row?.instances ?? 0;
  }

  async removeInstance(instanceId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM stream_instances WHERE instance_id = $1', [instanceId]);
  }

  /**
   * Counts a new stream of the user on this instance unless they then hold more than `max` on live instances.
   * The increment commits first, then a fresh snapshot sums every live instance: of two opens racing on
   * different instances at least one sees the other, so the limit never lets more through (at worst both are
   * refused). Two statements, no lock: 25 concurrent opens of one user do not queue behind each other.
   * False: over the limit (the increment is taken back).
   */
  async openStream(instanceId: string, userId: string, max: number, instanceTimeoutMs: number): Promise<boolean> {
    await this.dataSource.query(
      `INSERT INTO open_streams (instance_id, user_id, stream_count) VALUES ($1, $2, 1)
       ON CONFLICT (instance_id, user_id) DO UPDATE SET stream_count = open_streams.stream_count + 1`,
      [instanceId, userId],
    );
    const [row] = await queryRows<{ streams: number }>(
      this.dataSource,
      `SELECT coalesce(sum(stream_count), 0)::int AS streams FROM open_streams JOIN stream_instances USING (instance_id)
        WHERE user_id = $1
          AND (instance_id = $3 OR heartbeat_at > now() - make_interval(secs => $2::double precision / 1000))`,
      // This instance is alive by definition, even when a busy event loop delayed its last heartbeat.
      [userId, instanceTimeoutMs, instanceId],
    );
    if ((row?.streams ?? 0) <= max) return true;
    await this.dataSource.query(
      'UPDATE open_streams SET stream_count = greatest(stream_count - 1, 0) WHERE instance_id = $1 AND user_id = $2',
      [instanceId, userId],
    );
    return false;
  }

  async closeStream(instanceId: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `WITH closed AS (
         UPDATE open_streams SET stream_count = greatest(stream_count - 1, 0) WHERE instance_id = $1 AND user_id = $2
       )
       UPDATE user_presence SET last_stream_closed_at = now() WHERE user_id = $2`,
      [instanceId, userId],
    );
  }

  /** Records activity of these users (batched: one statement per flush). */
  async touch(users: Array<{ userId: string; workspaceId: string }>): Promise<void> {
    if (users.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO user_presence (user_id, workspace_id, last_active_at)
       SELECT touched.user_id, touched.workspace_id, now()
         FROM unnest($1::uuid[], $2::uuid[]) AS touched (user_id, workspace_id) JOIN users ON users.id = touched.user_id
       ON CONFLICT (user_id) DO UPDATE SET last_active_at = now()`,
      [users.map((user) => user.userId), users.map((user) => user.workspaceId)],
    );
  }

  /**
   * Moves every user whose presence should change, and returns the changes. The WHERE status <> new is
   * re-checked on the locked row, so when instances evaluate at once exactly one of them makes (and
   * announces) each change.
   */
  applyTransitions(timings: PresenceTimings): Promise<PresenceChange[]> {
    return queryRows<{ user_id: string; workspace_id: string; status: PresenceStatus; since: Date | null }>(
      this.dataSource,
      `WITH live AS (${LIVE_STREAMS}),
       desired AS (
         SELECT presence.user_id,
                CASE
                  WHEN coalesce(live.streams, 0) > 0 THEN
                    CASE WHEN presence.last_active_at > now() - make_interval(secs => $2::double precision / 1000)
                         THEN 'online' ELSE 'away' END
                  WHEN presence.status <> 'offline'
                   AND presence.last_stream_closed_at > now() - make_interval(secs => $3::double precision / 1000)
                    THEN presence.status
                  ELSE 'offline'
                END AS status
           FROM user_presence presence LEFT JOIN live ON live.user_id = presence.user_id
       )
       UPDATE user_presence SET status = desired.status, since = now()
         FROM desired
        WHERE user_presence.user_id = desired.user_id AND user_presence.status <> desired.status
       RETURNING user_presence.user_id, user_presence.workspace_id, user_presence.status, user_presence.since`,
      [timings.instanceTimeoutMs, timings.awayMs, timings.offlineGraceMs],
    ).then((rows) => rows.map((row) => ({ userId: row.user_id, workspaceId: row.workspace_id, status: row.status, since: row.since })));
  }

  /** Every user of the workspace with their presence (never seen: offline, since null). */
  listForWorkspace(workspaceId: string): Promise<Array<{ user_id: string; status: PresenceStatus | null; since: Date | null }>> {
    return this.dataSource.query(
      `SELECT users.id AS user_id, presence.status, presence.since
         FROM users LEFT JOIN user_presence presence ON presence.user_id = users.id
        WHERE users.workspace_id = $1 ORDER BY users.created_at, users.id`,
      [workspaceId],
    );
  }
}
