/**
 * `npm run bench [-- --quick]`: every benchmark scenario in one run — the SSE fan-out, the webhook
 * ingest, and the resume, SSE-vs-polling and reconnect-storm scenarios. Each writes its own
 * section of BENCHMARKS.md. Takes the flags of every bench:* command.
 */
import { INGEST_FLAGS, ingestOptions, runIngestCommand } from './ingest/ingest-command.js';
import { readFlags, runBenchCommand } from './lib/bench-args.js';
import { POLLING_FLAGS, pollingFailed, pollingOptions, runPollingCommand } from './polling/polling-benchmark.js';
import { RESUME_FLAGS, resumeOptions, runResumeCommand } from './resume/resume-benchmark.js';
import { runStormCommand, STORM_FLAGS, stormFailed, stormOptions } from './storm/storm-benchmark.js';
import { runStreamCommand, STREAM_FLAGS, streamOptions } from './stream/stream-command.js';

const ALL_FLAGS = { ...STREAM_FLAGS, ...INGEST_FLAGS, ...RESUME_FLAGS, ...POLLING_FLAGS, ...STORM_FLAGS };

await runBenchCommand(
  'npm run bench [-- --quick] [--no-write] [any flag of bench:stream, bench:ingest, bench:resume, bench:polling, bench:storm]',
  (argv) => {
    const values = readFlags(argv, ALL_FLAGS);
    return {
      stream: streamOptions(values),
      ingest: ingestOptions(values),
      resume: resumeOptions(values),
      polling: pollingOptions(values),
      storm: stormOptions(values),
    };
  },
  async (options, commandLine) => {
    const stream = await runStreamCommand(options.stream, commandLine);
    const ingest = await runIngestCommand(options.ingest, commandLine);
    const resume = await runResumeCommand(options.resume, commandLine);
    const polling = await runPollingCommand(options.polling, commandLine);
    const storm = await runStormCommand(options.storm, commandLine);
    return !(stream.some((result) => result.failed) || ingest.failed || resume.failed || pollingFailed(polling) || stormFailed(storm));
  },
);
