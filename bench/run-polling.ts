/**
 * `npm run bench:polling [-- --quick] [-- --poll-agents=1000,5000] [-- --poll-rate=5] [-- --poll-seconds=30]
 * [-- --poll-path=/api/customers?limit=50] [-- --no-write]`: SSE vs polling.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parsePollingArgs, pollingFailed, runPollingCommand } from './polling/polling-benchmark.js';

await runBenchCommand(
  'npm run bench:polling [-- --quick] [--poll-agents=N,N] [--poll-rate=R] [--poll-seconds=S] [--poll-path=PATH] [--no-write]',
  parsePollingArgs,
  async (options, commandLine) => !pollingFailed(await runPollingCommand(options, commandLine)),
);
