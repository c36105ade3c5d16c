/**
 * `npm run bench [-- --quick]`: every benchmark scenario in one run — the SSE fan-out of issue 3, the webhook
 * ingest of issue 4, and issue 6's resume, SSE-vs-polling and reconnect-storm scenarios. Each writes its own
 * section of BENCHMARKS.md.
 */
import { parseIngestArgs, runIngestCommand } from './ingest/ingest-command.js';
import { parsePollingArgs, pollingFailed, runPollingCommand } from './polling/polling-benchmark.js';
import { parseResumeArgs, runResumeCommand } from './resume/resume-benchmark.js';
import { parseStormArgs, runStormCommand, stormFailed } from './storm/storm-benchmark.js';
import { parseStreamArgs, runStreamCommand } from './stream/stream-command.js';

const args = process.argv.slice(2);
const command = ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' ');
const stream = await runStreamCommand(parseStreamArgs(args), command);
const ingest = await runIngestCommand(parseIngestArgs(args), command);
const resume = await runResumeCommand(parseResumeArgs(args), command);
const polling = await runPollingCommand(parsePollingArgs(args), command);
const storm = await runStormCommand(parseStormArgs(args), command);
process.exitCode =
  stream.some((result) => result.failed) ||
  ingest.failed ||
  resume.failed ||
  pollingFailed(polling) ||
  stormFailed(storm)
    ? 1
    : 0;
