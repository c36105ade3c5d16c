/**
 * `npm run bench:stream [-- --quick] [-- --targets=raw,naive] [-- --streams=1000,10000 --events=200 --rate=5] [-- --no-write]`
 * SSE fan-out benchmark of issue 3: the app vs a raw node:http broadcaster vs a naive Nest @Sse, each in its own
 * server process, streams opened by separate load-client processes. Writes its section of BENCHMARKS.md.
 */
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

const args = process.argv.slice(2);
const options = parseStreamArgs(args);
const results = await runStreamCommand(
  options,
  ['npm run bench:stream', ...(args.length ? ['--', ...args] : [])].join(' '),
);
process.exitCode = results.some((result) => result.failed) ? 1 : 0;
