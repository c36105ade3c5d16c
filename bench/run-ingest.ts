/**
 * `npm run bench:ingest [-- --quick] [-- --messages=10000 --concurrency=32 --ingest-streams=100] [-- --no-write]`
 * Webhook ingest benchmark. Writes its section of BENCHMARKS.md.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseIngestArgs, runIngestCommand } from './ingest/ingest-command.js';

await runBenchCommand(
  'npm run bench:ingest [-- --quick] [--messages=N] [--concurrency=N] [--ingest-streams=N] [--no-write]',
  parseIngestArgs,
  async (options, commandLine) => !(await runIngestCommand(options, commandLine)).failed,
);
