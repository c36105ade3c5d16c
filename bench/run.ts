/**
 * `npm run bench [-- --quick]`: every benchmark scenario in one run (today: the SSE fan-out of issue 3;
 * the ingest benchmark joins once the webhooks have landed). Each writes its own section of BENCHMARKS.md.
 */
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

const args = process.argv.slice(2);
const results = await runStreamCommand(parseStreamArgs(args), ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '));
process.exitCode = results.some((result) => result.failed) ? 1 : 0;
