/**
 * `npm run bench:storm [-- --quick] [-- --storm-streams=5000] [-- --storm-rate=5] [-- --storm-before=10] [-- --no-write]`:
 * reconnect storm across a server restart.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseStormArgs, runStormCommand, stormFailed } from './storm/storm-benchmark.js';

await runBenchCommand(
  'npm run bench:storm [-- --quick] [--storm-streams=N] [--storm-rate=R] [--storm-before=S] [--no-write]',
  parseStormArgs,
  async (options, commandLine) => !stormFailed(await runStormCommand(options, commandLine)),
);
