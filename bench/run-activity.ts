/**
 * `npm run bench:activity [-- --quick] [--streams=N] [--agents=N] [--no-write]`
 * Durable stream delivery with and without agents typing (ephemeral agent_activity). Writes its section of BENCHMARKS.md.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseActivityArgs, runActivityCommand } from './activity/activity-command.js';

await runBenchCommand('npm run bench:activity [-- --quick] [--streams=N] [--agents=N] [--no-write]', parseActivityArgs, runActivityCommand);
