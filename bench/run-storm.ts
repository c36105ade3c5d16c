/**
 * `npm run bench:storm [-- --quick] [-- --storm-streams=5000] [-- --storm-rate=5] [-- --storm-before=10] [-- --no-write]`:
 * issue 6 scenario 5, reconnect storm across a server restart.
 */
import { parseStormArgs, runStormCommand, stormFailed } from './storm/storm-benchmark.js';

const args = process.argv.slice(2);
const result = await runStormCommand(
  parseStormArgs(args),
  ['npm run bench:storm', ...(args.length ? ['--', ...args] : [])].join(' '),
);
process.exitCode = stormFailed(result) ? 1 : 0;
