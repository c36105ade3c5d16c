/**
 * `npm run bench:cluster [-- --quick] [--instances=1,2,4] [--streams=N] [--events=N] [--rate=R] [--idle-seconds=S] [--publish-via=all|first] [--no-write]`
 * 1, 2 and 4 app instances on one Postgres (embedded, or DATABASE_URL): what one more instance costs the
 * database, and where one Postgres stops. Writes its section of BENCHMARKS.md.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseClusterArgs, runClusterCommand } from './cluster/cluster-command.js';

await runBenchCommand(
  'npm run bench:cluster [-- --quick] [--instances=N,N] [--streams=N] [--events=N] [--rate=R] [--idle-seconds=S] [--publish-via=all|first] [--no-write]',
  parseClusterArgs,
  runClusterCommand,
);
