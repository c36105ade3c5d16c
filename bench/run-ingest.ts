/**
 * `npm run bench:ingest [-- --quick] [-- --messages=10000 --concurrency=32 --ingest-streams=100] [-- --no-write]`
 * Webhook ingest benchmark of issue 4. Writes its section of BENCHMARKS.md.
 */
import { parseIngestArgs, runIngestCommand } from './ingest/ingest-command.js';

const args = process.argv.slice(2);
const result = await runIngestCommand(
  parseIngestArgs(args),
  ['npm run bench:ingest', ...(args.length ? ['--', ...args] : [])].join(' '),
);
process.exitCode = result.failed ? 1 : 0;
