/**
 * `npm run bench:polling [-- --quick] [-- --poll-agents=1000,5000] [-- --poll-rate=5] [-- --poll-seconds=30]
 * [-- --poll-path=/api/customers?limit=50] [-- --no-write]`: issue 6 scenario 1, SSE vs polling.
 */
import { parsePollingArgs, pollingFailed, runPollingCommand } from './polling/polling-benchmark.js';

const args = process.argv.slice(2);
const results = await runPollingCommand(
  parsePollingArgs(args),
  ['npm run bench:polling', ...(args.length ? ['--', ...args] : [])].join(' '),
);
process.exitCode = pollingFailed(results) ? 1 : 0;
