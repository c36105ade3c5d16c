import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities.js';

const POOL_SIZE = 20;

/** The one set of DataSource options: used by the app, the migration script and ormconfig.ts. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: POOL_SIZE, application_name: 'crm-inbox' },
  };
}
