/**
 * `npm run bench [-- --quick]`: every benchmark scenario in one run — the SSE fan-out of issue 3, then the
 * webhook ingest of issue 4. Each writes its own section of BENCHMARKS.md.
 */
import { parseIngestArgs, runIngestCommand } from './ingest/ingest-command.js';
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

const args = process.argv.slice(2);
const command = ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' ');
const stream = await runStreamCommand(parseStreamArgs(args), command);
const ingest = await runIngestCommand(parseIngestArgs(args), command);
process.exitCode = stream.some((result) => result.failed) || ingest.failed ? 1 : 0;
