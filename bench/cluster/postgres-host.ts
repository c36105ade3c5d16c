/**
 * One embedded Postgres for a whole cluster run, in a process of its own: the runner starts it as a
 * ServerProcess (its own process group, stopped on exit and on interrupt), reads the connection string from
 * `GET /health`, and hands it to every app instance as DATABASE_URL.
 */
import { createServer } from 'node:http';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

const dataDir = process.env.DATA_DIR;
const port = Number(process.env.PORT);
if (!dataDir || !Number.isInteger(port)) throw new Error('postgres host needs DATA_DIR and PORT');

const database = await startEmbeddedPostgres(dataDir, (line) => process.stderr.write(`${line}\n`));
const server = createServer((request, response) => {
  const ready = request.url === '/health';
  response.writeHead(ready ? 200 : 404, { 'content-type': 'application/json' });
  response.end(ready ? JSON.stringify({ url: database.url }) : '{}');
});
server.listen(port, '127.0.0.1');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    void database.stop().finally(() => process.exit(0));
  });
}
