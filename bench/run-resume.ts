/**
 * `npm run bench:resume [-- --quick] [-- --resume-events=10000] [-- --no-write]`: the resume scenario.
 */
import { runBenchCommand } from './lib/bench-args.js';
import { parseResumeArgs, runResumeCommand } from './resume/resume-benchmark.js';

await runBenchCommand(
  'npm run bench:resume [-- --quick] [--resume-events=N] [--no-write]',
  parseResumeArgs,
  async (options, commandLine) => !(await runResumeCommand(options, commandLine)).failed,
);
