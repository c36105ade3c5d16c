import type { DataSource, Migration } from 'typeorm';

/**
 * Key of the session-level advisory lock held while migrating, next to the seed (7_230_001) and event-log
 * (7_230_002) keys. Several instances booting together on an empty database would otherwise all see the migrations as
 * pending and race on CREATE TABLE (one of them failing on a duplicate catalog row).
 */
const MIGRATION_LOCK_KEY = 7_230_003;

/**
 * Runs pending migrations while holding the advisory lock on a dedicated connection, so the migrations of
 * one instance finish before the next instance looks for pending ones (and finds none). Used by the app at
 * start and by `npm run migration:run`.
 */
export async function runMigrationsLocked(source: DataSource): Promise<Migration[]> {
  const lockHolder = source.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await source.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockHolder.release();
  }
}
