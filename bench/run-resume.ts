/**
 * `npm run bench:resume [-- --quick] [-- --resume-events=10000] [-- --no-write]`: issue 6's resume scenario.
 */
import { parseResumeArgs, runResumeCommand } from './resume/resume-benchmark.js';

const args = process.argv.slice(2);
const result = await runResumeCommand(
  parseResumeArgs(args),
  ['npm run bench:resume', ...(args.length ? ['--', ...args] : [])].join(' '),
);
process.exitCode = result.failed ? 1 : 0;
