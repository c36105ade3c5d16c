/**
 * `npm run bench [-- --quick]`: every benchmark scenario in one run — the SSE fan-out of issue 3, the webhook
 * ingest of issue 4 and the resume scenario of issue 6. Each writes its own section of BENCHMARKS.md.
 */
import { parseIngestArgs, runIngestCommand } from './ingest/ingest-command.js';
import { parseResumeArgs, runResumeCommand } from './resume/resume-benchmark.js';
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

const args = process.argv.slice(2);
const command = ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' ');
const stream = await runStreamCommand(parseStreamArgs(args), command);
const ingest = await runIngestCommand(parseIngestArgs(args), command);
const resume = await runResumeCommand(parseResumeArgs(args), command);
process.exitCode = stream.some((result) => result.failed) || ingest.failed || resume.failed ? 1 : 0;
