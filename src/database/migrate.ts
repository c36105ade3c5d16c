import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source.options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './run-migrations.js';

// `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded server in DATA_DIR.
const config = loadConfig();
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, console.error);
const source = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url));
await source.initialize();
try {
  const applied = await runMigrationsLocked(source);
  console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
} finally {
  await source.destroy();
  await embedded?.stop();
}
