import { resolve } from 'node:path';
import { amountFlag, COMMON_FLAGS, commonOptions, countFlag, countListFlag, readFlags, textFlag, UsageError, type FlagSpec, type FlagValues } from '../lib/bench-args.js';
import { replaceSection } from '../lib/benchmarks-md.js';
import { AppTarget } from '../targets/app-target.js';
import { betterSseTarget, naiveNestTarget, rawBroadcasterTarget } from '../targets/baseline-targets.js';
import type { StreamTarget } from '../targets/stream-target.js';
import { runStreamScenario, type StreamRunResult, type StreamScenario } from './stream-benchmark.js';
import { streamSection } from './stream-report.js';

/**
 * Same rate for every target at a given stream count, low enough that the slowest target (naive Nest at
 * ~35 µs per delivery) plus the load clients fit on two cores: 1k streams × 10 events/s and 10k streams × 2 events/s
 * are 10k and 20k deliveries/s.
 */
const FULL_SCENARIOS: StreamScenario[] = [
  { streams: 1000, events: 200, eventsPerSecond: 10, warmupEvents: 10 },
  { streams: 10_000, events: 200, eventsPerSecond: 2, warmupEvents: 10 },
];
const QUICK_SCENARIOS: StreamScenario[] = [
  { streams: 1000, events: 40, eventsPerSecond: 10, warmupEvents: 5 },
  { streams: 3000, events: 40, eventsPerSecond: 4, warmupEvents: 5 },
];

export interface StreamCommandOptions {
  quick: boolean;
  write: boolean;
  targets: StreamTarget['key'][];
  /** Overrides the scenarios' stream counts (e.g. `--streams=2000`). */
  streams?: number[];
  events?: number;
  rate?: number;
}

export const STREAM_FLAGS = {
  ...COMMON_FLAGS,
  targets: { type: 'string' },
  streams: { type: 'string' },
  events: { type: 'string' },
  rate: { type: 'string' },
} satisfies FlagSpec;

const TARGET_KEYS: StreamTarget['key'][] = ['app', 'raw', 'better-sse', 'naive'];

export function streamOptions(values: FlagValues): StreamCommandOptions {
  const targets = (textFlag(values, 'targets')?.split(',') ?? TARGET_KEYS).map((name) => {
    const target = TARGET_KEYS.find((key) => key === name.trim());
    if (!target) throw new UsageError(`--targets: unknown target "${name}" (${TARGET_KEYS.join(', ')})`);
    return target;
  });
  return {
    ...commonOptions(values),
    targets,
    streams: countListFlag(values, 'streams'),
    events: countFlag(values, 'events'),
    rate: amountFlag(values, 'rate'),
  };
}

export function parseStreamArgs(argv: string[]): StreamCommandOptions {
  return streamOptions(readFlags(argv, STREAM_FLAGS));
}

/** Runs every target at every scenario, prints the results and rewrites the "stream" section of BENCHMARKS.md. */
export async function runStreamCommand(
  options: StreamCommandOptions,
  commandLine: string,
): Promise<StreamRunResult[]> {
  const startedAt = new Date();
  const base = options.quick ? QUICK_SCENARIOS : FULL_SCENARIOS;
  const scenarios = (options.streams ?? base.map((s) => s.streams)).map((streams, index) => {
    const template = base[Math.min(index, base.length - 1)];
    return {
      streams,
      events: options.events ?? template.events,
      eventsPerSecond: options.rate ?? template.eventsPerSecond,
      warmupEvents: template.warmupEvents,
    };
  });
  const all: StreamTarget[] = [new AppTarget(), rawBroadcasterTarget(), betterSseTarget(), naiveNestTarget()];
  const targets = all.filter((target) => options.targets.includes(target.key));
  const log = (line: string): void => void process.stdout.write(`${line}\n`);

  const results: StreamRunResult[] = [];
  try {
    for (const scenario of scenarios) {
      for (const target of targets) {
        log(
          `[bench:stream] ${target.label}: ${scenario.streams} streams, ${scenario.events} events at ${scenario.eventsPerSecond}/s`,
        );
        const result = await runStreamScenario(target, scenario, log);
        results.push(result);
        log(`  ${summary(result)}`);
      }
    }
  } finally {
    for (const target of targets) target.dispose?.();
  }

  const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const section = streamSection({
    title: options.quick ? 'SSE fan-out (quick run)' : 'SSE fan-out: app vs raw node:http vs naive Nest @Sse',
    command: commandLine,
    startedAt,
    durationSeconds,
    scenarios,
    results,
    quick: options.quick,
  });
  log(`\n${section}\n`);
  if (options.write) {
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, options.quick ? 'stream-quick' : 'stream', section);
    log(`[bench:stream] wrote ${file}`);
  }
  return results;
}

function summary(r: StreamRunResult): string {
  if (r.skipped) return `skipped: ${r.skipped}`;
  if (r.failed) return `FAILED: ${r.failed}`;
  const f = (v: number | undefined, d = 1): string => (v === undefined ? '?' : v.toFixed(d));
  return (
    `open ${r.opened}/${r.scenario.streams}, delivered ${r.delivered}/${r.expectedDeliveries}, lost ${r.lost}, dup ${r.duplicates}, ` +
    `out-of-order ${r.outOfOrder}, publish → receive p50 ${f(r.p50Ms)} ms, p99 ${f(r.p99Ms)} ms, max ${f(r.maxMs)} ms, ` +
    (r.commitP99Ms !== undefined
      ? `commit → receive p50 ${f(r.commitP50Ms)} ms, p99 ${f(r.commitP99Ms)} ms, max ${f(r.commitMaxMs)} ms` +
        (r.publishToCommitP99Ms === undefined ? ', ' : ` (publish → commit p99 ${f(r.publishToCommitP99Ms)} ms), `)
      : r.commitUnmeasured
        ? `commit → receive not measured: ${r.commitUnmeasured}, `
        : '') +
    `CPU ${f(r.cpuMicrosPerDelivery, 2)} µs/delivery (${f(r.cpuPercent, 0)}% core, ${f((r.systemCpuShare ?? NaN) * 100, 0)}% system), child CPU ${f(r.childCpuMicrosPerDelivery, 2)} µs, client CPU ${f(r.clientCpuMicrosPerDelivery, 2)} µs, ` +
    `RSS ${f((r.rssBeforeKib ?? 0) / 1024, 0)}→${f((r.rssIdleKib ?? 0) / 1024, 0)} MB = ${f(r.kibPerIdleStream)} KB/stream` +
    (r.clientErrors?.length ? `, client errors: ${r.clientErrors.join(' | ')}` : '')
  );
}
