import { resolve } from 'node:path';
import { amountFlag, COMMON_FLAGS, commonOptions, countFlag, countListFlag, readFlags, textFlag, UsageError, type FlagSpec } from '../lib/bench-args.js';
import { replaceSection } from '../lib/benchmarks-md.js';
import { loadAverage } from '../lib/process-stats.js';
import { runClusterScenario, type ClusterRunResult, type ClusterScenario } from './cluster-benchmark.js';
import { SharedDatabase } from './cluster-target.js';
import { PostgresProbe } from './postgres-probe.js';
import { clusterSection } from './cluster-report.js';

export interface ClusterOptions {
  quick: boolean;
  write: boolean;
  instances: number[];
  scenario: Omit<ClusterScenario, 'instances'>;
}

const FLAGS = {
  ...COMMON_FLAGS,
  instances: { type: 'string' },
  streams: { type: 'string' },
  events: { type: 'string' },
  rate: { type: 'string' },
  'idle-seconds': { type: 'string' },
  'publish-via': { type: 'string' },
} satisfies FlagSpec;

const FULL = { streams: 4000, events: 100, eventsPerSecond: 5, warmupEvents: 10, idleSeconds: 10 };
const QUICK = { streams: 1000, events: 40, eventsPerSecond: 5, warmupEvents: 5, idleSeconds: 5 };
/** More instances than this would not leave a core for anything else on a small machine. */
const MAX_INSTANCES = 16;

export function parseClusterArgs(argv: string[]): ClusterOptions {
  const values = readFlags(argv, FLAGS);
  const common = commonOptions(values);
  const base = common.quick ? QUICK : FULL;
  const instances = countListFlag(values, 'instances') ?? [1, 2, 4];
  if (instances.some((count) => count > MAX_INSTANCES)) throw new UsageError(`--instances: at most ${MAX_INSTANCES} per run`);
  const via = textFlag(values, 'publish-via') ?? 'all';
  if (via !== 'all' && via !== 'first') throw new UsageError(`--publish-via must be all or first, got "${via}"`);
  return {
    ...common,
    instances,
    scenario: {
      streams: countFlag(values, 'streams') ?? base.streams,
      events: countFlag(values, 'events') ?? base.events,
      eventsPerSecond: amountFlag(values, 'rate') ?? base.eventsPerSecond,
      warmupEvents: base.warmupEvents,
      idleSeconds: amountFlag(values, 'idle-seconds') ?? base.idleSeconds,
      publishVia: via,
    },
  };
}

/** Every instance count in turn on the same Postgres, then the section of BENCHMARKS.md. */
export async function runClusterCommand(options: ClusterOptions, commandLine: string): Promise<boolean> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date();
  const database = await SharedDatabase.open(process.env.DATABASE_URL?.trim() || undefined);
  const results: ClusterRunResult[] = [];
  let probe: PostgresProbe | undefined;
  try {
    probe = await PostgresProbe.connect(database.url);
    log(`[bench:cluster] Postgres CPU: ${probe.where}`);
    for (const instances of options.instances) {
      log(`[bench:cluster] ${instances} instance(s), ${options.scenario.streams} streams, ${options.scenario.events} events at ${options.scenario.eventsPerSecond}/s (load average ${loadAverage().toFixed(1)})`);
      const result = await runClusterScenario({ ...options.scenario, instances }, database.url, probe, log);
      results.push(result);
    }
  } finally {
    await probe?.close();
    await database.close();
  }
  const section = clusterSection(results, {
    command: commandLine,
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    quick: options.quick,
    postgres: probe?.where ?? 'not measured',
    embedded: database.embedded,
  });
  log(`\n${section}\n`);
  if (options.write) {
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, options.quick ? 'cluster-quick' : 'cluster', section);
    log(`[bench:cluster] wrote ${file}`);
  }
  return results.every((r) => !r.failed && r.lost === 0 && r.duplicates === 0 && r.outOfOrder === 0);
}
