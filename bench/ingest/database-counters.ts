import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sleep } from '../lib/stats.js';

/** Backends flush their statistics when idle for at most 10 s (PGSTAT_IDLE_INTERVAL): wait that out. */
const STATS_FLUSH_WAIT_MS = 11_000;

export interface DatabaseCounters {
  transactions: number;
  indexScans: number;
  sequentialScans: number;
  rowsInserted: number;
}

/**
 * Cumulative counters of the app's embedded database (pg_stat_database, pg_stat_user_tables), read over a
 * connection of our own: what Postgres did per message, independent of how loaded the machine is.
 */
export async function readDatabaseCounters(databaseDir: string, settle = false): Promise<DatabaseCounters> {
  if (settle) await sleep(STATS_FLUSH_WAIT_MS);
  const port = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'crm_inbox' });
  await client.connect();
  try {
    const { rows } = await client.query<Record<keyof DatabaseCounters, string>>(
      `SELECT d.xact_commit + d.xact_rollback AS "transactions", d.tup_inserted AS "rowsInserted",
              t.index_scans AS "indexScans", t.sequential_scans AS "sequentialScans"
         FROM pg_stat_database d,
              (SELECT coalesce(sum(idx_scan), 0) AS index_scans, coalesce(sum(seq_scan), 0) AS sequential_scans
                 FROM pg_stat_user_tables) t
        WHERE d.datname = current_database()`,
    );
    const row = rows[0];
    return {
      transactions: Number(row.transactions),
      indexScans: Number(row.indexScans),
      sequentialScans: Number(row.sequentialScans),
      rowsInserted: Number(row.rowsInserted),
    };
  } finally {
    await client.end();
  }
}

/** Per message, between two readings (the readings' own transactions are left out). */
export function countersPerMessage(
  before: DatabaseCounters,
  after: DatabaseCounters,
  messages: number,
): DatabaseCounters {
  const per = (pick: (c: DatabaseCounters) => number, own = 0): number => (pick(after) - pick(before) - own) / messages;
  return {
    transactions: per((c) => c.transactions, 1),
    indexScans: per((c) => c.indexScans),
    sequentialScans: per((c) => c.sequentialScans),
    rowsInserted: per((c) => c.rowsInserted),
  };
}
