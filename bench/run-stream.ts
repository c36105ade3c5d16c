/**
 * `npm run bench:stream [-- --quick] [-- --targets=raw,naive] [-- --streams=1000,10000 --events=200 --rate=5] [-- --no-write]`
 * SSE fan-out benchmark: the app vs a raw node:http broadcaster vs a naive Nest @Sse, each in its own
 * server process, streams opened by separate load-client processes. Writes its section of BENCHMARKS.md.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

await runBenchCommand(
  'npm run bench:stream [-- --quick] [--targets=app,raw,naive] [--streams=N,N] [--events=N] [--rate=R] [--no-write]',
  parseStreamArgs,
  async (options, commandLine) => !(await runStreamCommand(options, commandLine)).some((result) => result.failed),
);
