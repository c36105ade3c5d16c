import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source.options.js';

// The TypeORM CLI's DataSource (e.g. `npx typeorm migration:show -d dist/ormconfig.js`). It needs DATABASE_URL;
// `npm run migration:run` also works without it, on the embedded server (src/database/migrate.ts).
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/crm_inbox'));
