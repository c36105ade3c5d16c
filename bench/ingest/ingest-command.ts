import { resolve } from 'node:path';
import { COMMON_FLAGS, commonOptions, countFlag, readFlags, type FlagSpec, type FlagValues } from '../lib/bench-args.js';
import { machineDescription, markdownTable, replaceSection } from '../lib/benchmarks-md.js';
import { runIngestScenario, type IngestResult, type IngestScenario } from './ingest-benchmark.js';

/** The targets. */
const TARGET_MESSAGES_PER_SECOND = 1000;
const TARGET_RESPONSE_P99_MS = 100;

const FULL: IngestScenario = {
  messages: 10_000,
  concurrency: 32,
  streams: 100,
  sendersPerPlatform: 100,
  warmupMessages: 600,
  warmupSendersPerPlatform: 20,
  maxSendSeconds: 120,
};
const QUICK: IngestScenario = {
  messages: 2000,
  concurrency: 32,
  streams: 20,
  sendersPerPlatform: 50,
  warmupMessages: 300,
  warmupSendersPerPlatform: 10,
  maxSendSeconds: 40,
};

export interface IngestOptions {
  quick: boolean;
  write: boolean;
  messages?: number;
  concurrency?: number;
  streams?: number;
  warmup?: number;
}

export const INGEST_FLAGS = {
  ...COMMON_FLAGS,
  messages: { type: 'string' },
  concurrency: { type: 'string' },
  'ingest-streams': { type: 'string' },
  'ingest-warmup': { type: 'string' },
} satisfies FlagSpec;

export function ingestOptions(values: FlagValues): IngestOptions {
  return {
    ...commonOptions(values),
    messages: countFlag(values, 'messages'),
    concurrency: countFlag(values, 'concurrency'),
    streams: countFlag(values, 'ingest-streams'),
    warmup: countFlag(values, 'ingest-warmup'),
  };
}

export function parseIngestArgs(argv: string[]): IngestOptions {
  return ingestOptions(readFlags(argv, INGEST_FLAGS));
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

export async function runIngestCommand(options: IngestOptions, commandLine: string): Promise<IngestResult> {
  const base = options.quick ? QUICK : FULL;
  const scenario: IngestScenario = {
    ...base,
    messages: options.messages ?? base.messages,
    concurrency: options.concurrency ?? base.concurrency,
    streams: options.streams ?? base.streams,
    warmupMessages: options.warmup ?? base.warmupMessages,
  };
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date();
  log(
    `[bench:ingest] ${scenario.messages} signed webhooks (Facebook, Zalo, TikTok in turn), ${scenario.concurrency} in flight, ${scenario.streams} streams open`,
  );
  const result = await runIngestScenario(scenario, log);
  const section = ingestSection(
    result,
    commandLine,
    startedAt,
    (Date.now() - startedAt.getTime()) / 1000,
    options.quick,
  );
  log(`\n${section}\n`);
  if (options.write) {
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, options.quick ? 'ingest-quick' : 'ingest', section);
    log(`[bench:ingest] wrote ${file}`);
  }
  return result;
}

function ingestSection(
  r: IngestResult,
  command: string,
  startedAt: Date,
  seconds: number,
  quick: boolean,
): string {
  const s = r.scenario;
  const head = [
    `## Webhook ingest${quick ? ' (quick run)' : ''}: signed deliveries → Postgres → every open stream`,
    '',
    `- Command: \`${command}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(seconds)} s)`,
    `- Load: ${s.messages} text messages signed per platform scheme (Facebook, Zalo, TikTok in turn; ${s.sendersPerPlatform} senders per platform, so a few deliveries open new conversations), signed before the timed window, ${s.concurrency} requests in flight (closed loop) on keep-alive connections from the runner process; ${s.streams} streams \`?types=new_message\` open from a separate load-client process (ids and sequence numbers read without JSON parsing). First ${s.warmupMessages} unmeasured warm-up deliveries from ${s.warmupSendersPerPlatform} other senders per platform, until every stream has them.`,
    '',
  ];
  if (r.skipped || r.failed)
    return [...head, r.skipped ? `Not measured: ${r.skipped}` : `**Run failed**: ${r.failed}`].join('\n');
  const clean =
    r.lost === 0 &&
    r.duplicates === 0 &&
    r.outOfOrder === 0 &&
    r.badFrames === 0 &&
    r.streamsOpen === s.streams;
  const table = markdownTable(
    ['figure', 'measured'],
    [
      [
        'webhooks accepted (200)',
        `${r.accepted} / ${r.sent}${r.rejected?.length ? ` (first rejections: ${r.rejected.join('; ')})` : ''}`,
      ],
      ['accepted / s', fixed(r.acceptedPerSecond, 0)],
      [
        'end to end messages / s (first webhook sent → last message on every stream)',
        fixed(r.endToEndPerSecond, 0),
      ],
      [
        'webhook response p50 / p99 / max ms',
        `${fixed(r.responseP50Ms, 1)} / ${fixed(r.responseP99Ms, 1)} / ${fixed(r.responseMaxMs, 1)}`,
      ],
      [
        'webhook response p99 ms: first tenth of the deliveries / the rest',
        `${fixed(r.responseP99FirstTenthMs, 1)} / ${fixed(r.responseP99RestMs, 1)}`,
      ],
      [
        'webhook sent → event on a stream p50 / p99 ms',
        `${fixed(r.deliveryP50Ms, 1)} / ${fixed(r.deliveryP99Ms, 1)}`,
      ],
      [
        'stream deliveries',
        `${r.delivered} (${r.streamsOpen} streams × ${r.accepted}); ${r.lost} lost, ${r.duplicates} dup, ${r.outOfOrder} out of order`,
      ],
      ['app CPU µs / message (node process)', fixed(r.serverCpuMicrosPerMessage, 0)],
      ['Postgres CPU µs / message (embedded, child processes)', fixed(r.databaseCpuMicrosPerMessage, 0)],
      [
        'load generator CPU µs / message (sender / stream clients)',
        `${fixed(r.senderCpuMicrosPerMessage, 0)} / ${fixed(r.streamClientsCpuMicrosPerMessage, 0)}`,
      ],
      [
        'Postgres per message: transactions / index scans / sequential scans / rows inserted',
        r.database
          ? [r.database.transactions, r.database.indexScans, r.database.sequentialScans, r.database.rowsInserted]
              .map((value) => value.toFixed(2))
              .join(' / ')
          : '—',
      ],
      [
        'load average before → after',
        r.loadAverage ? `${r.loadAverage[0].toFixed(1)} → ${r.loadAverage[1].toFixed(1)}` : '—',
      ],
    ],
  );
  const pass = (ok: boolean): string => (ok ? '**pass**' : '**FAIL**');
  const verdicts = markdownTable(
    ['target', 'measured', 'verdict'],
    [
      [
        `≥ ${TARGET_MESSAGES_PER_SECOND} messages/s end to end`,
        fixed(r.endToEndPerSecond, 0),
        pass((r.endToEndPerSecond ?? 0) >= TARGET_MESSAGES_PER_SECOND),
      ],
      [
        `p99 webhook response ≤ ${TARGET_RESPONSE_P99_MS} ms`,
        `${fixed(r.responseP99Ms, 1)} ms`,
        pass((r.responseP99Ms ?? Infinity) <= TARGET_RESPONSE_P99_MS),
      ],
      [
        'every accepted message on every stream once, in order',
        clean ? 'yes' : 'no',
        pass(clean && r.accepted === r.sent),
      ],
    ],
  );
  return [...head, table, '', verdicts].join('\n');
}
