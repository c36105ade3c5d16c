import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientPool } from '../client/client-pool.js';
import { amountFlag, COMMON_FLAGS, commonOptions, countListFlag, readFlags, textFlag, type FlagSpec, type FlagValues } from '../lib/bench-args.js';
import { machineDescription, markdownTable, replaceSection } from '../lib/benchmarks-md.js';
import { publisherAgent } from '../lib/http-json.js';
import { cpuMicros, descendantsCpu, descendantsCpuDelta, loadAverage } from '../lib/process-stats.js';
import { spawnNode } from '../lib/spawn-node.js';
import { mergeSorted, percentile, sleep } from '../lib/stats.js';
import { cdfPoints, lineChartSvg } from '../lib/svg-chart.js';
import { AppTarget } from '../targets/app-target.js';
import { askWorker, splitEvenly } from '../lib/worker-ipc.js';
import type {
  PollClientCommand,
  PollClientReport,
  PollCountReport,
  PollStoppedReport,
} from './poll-protocol.js';

/**
 * N agents polling the REST API every 3 s (as the inbox does today) vs the same N agents on
 * the stream, against the real app with a busy inbox's live event rate produced through REST.
 */
const POLL_INTERVAL_MS = 3000;
/** What a polling inbox does every 3 s: re-fetch the first page of its list (the API's default page size). */
const DEFAULT_POLL_PATH = '/api/customers?limit=50';
const STREAM_PATH = '/api/events/stream?types=customer_created';
const POLL_CLIENT_SCRIPT = fileURLToPath(new URL('./poll-client.js', import.meta.url));
const AGENTS_PER_POLL_PROCESS = 2500;
const STREAMS_PER_CLIENT_PROCESS = 5000;
const OPEN_CONCURRENCY = 100;
const OPEN_TIMEOUT_MS = 180_000;
const DELIVERY_TIMEOUT_MS = 60_000;
const MAX_PUBLISHES_IN_FLIGHT = 8;
const SETTLE_MS = 3000;
const IPC_TIMEOUT_MS = 120_000;
const WARMUP_SEQ = -1;
const TARGET_CPU_SHARE = 0.1;
const TARGET_P99_MS = 1000;

export interface PollingOptions {
  quick: boolean;
  write: boolean;
  agents?: number[];
  rate?: number;
  seconds?: number;
  path?: string;
}

export const POLLING_FLAGS = {
  ...COMMON_FLAGS,
  'poll-agents': { type: 'string' },
  'poll-rate': { type: 'string' },
  'poll-seconds': { type: 'string' },
  'poll-path': { type: 'string' },
} satisfies FlagSpec;

export function pollingOptions(values: FlagValues): PollingOptions {
  return {
    ...commonOptions(values),
    agents: countListFlag(values, 'poll-agents'),
    rate: amountFlag(values, 'poll-rate'),
    seconds: amountFlag(values, 'poll-seconds'),
    path: textFlag(values, 'poll-path'),
  };
}

export function parsePollingArgs(argv: string[]): PollingOptions {
  return pollingOptions(readFlags(argv, POLLING_FLAGS));
}

export interface ModeResult {
  /** Server CPU during the measured window, % of one core. */
  appCpuPercent: number;
  postgresCpuPercent: number;
  clientCpuPercent: number;
  /** HTTP requests/s the server answered in the window (polls + the producer's POSTs). */
  requestsPerSecond: number;
  windowSeconds: number;
  freshnessMs: Float64Array;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** (agent, event) pairs never seen. */
  missed: number;
  expected: number;
  failedRequests: number;
  duplicates?: number;
  outOfOrder?: number;
  pollResponseP50Ms?: number;
  pollResponseP99Ms?: number;
  bytesPerSecond?: number;
  errors: string[];
  loadAverage: [number, number];
}

export interface PollingScenarioResult {
  agents: number;
  events: number;
  rate: number;
  /** The producer alone (no agents): CPU of committing the events, the same in both modes. */
  baseline?: { appCpuPercent: number; postgresCpuPercent: number; loadAverage: [number, number] };
  polling?: ModeResult;
  sse?: ModeResult;
  failed?: string;
  skipped?: string;
}

interface CpuReading {
  app: number;
  postgres: Map<number, number>;
  clients: number;
  at: number;
  load: number;
}

function readCpu(appPid: number, clientPids: number[]): CpuReading {
  return {
    app: cpuMicros(appPid),
    postgres: descendantsCpu(appPid),
    clients: clientPids.reduce((sum, pid) => sum + cpuMicros(pid), 0),
    at: performance.now(),
    load: loadAverage(),
  };
}

function cpuPercents(
  before: CpuReading,
  after: CpuReading,
): {
  app: number;
  postgres: number;
  clients: number;
  seconds: number;
} {
  const seconds = (after.at - before.at) / 1000;
  const percent = (micros: number): number => (micros / 1e6 / seconds) * 100;
  return {
    app: percent(after.app - before.app),
    postgres: percent(descendantsCpuDelta(before.postgres, after.postgres)),
    clients: percent(after.clients - before.clients),
    seconds,
  };
}

/** Publishes at a steady rate (open loop, bounded in flight); every publish must succeed. */
async function publishAtRate(
  app: AppTarget,
  events: number,
  perSecond: number,
  seqOf: (i: number) => number,
): Promise<void> {
  const agent = publisherAgent(MAX_PUBLISHES_IN_FLIGHT);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  const failures: Error[] = [];
  try {
    for (let index = 0; index < events; index += 1) {
      const wait = started + (index * 1000) / perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= MAX_PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
      const tracked: Promise<void> = app
        .publish(seqOf(index), agent)
        .catch((error: Error) => void failures.push(error))
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} publishes failed, first: ${failures[0].message}`);
}

function ask<T extends PollClientReport>(
  worker: ChildProcess,
  command: PollClientCommand,
  expect: T['report'],
): Promise<T> {
  return askWorker<T>(worker, command, {
    label: 'poll client',
    timeoutMs: IPC_TIMEOUT_MS,
    accepts: (message) => (message as PollClientReport).report === expect,
  });
}

async function killWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((done) => {
          if (worker.exitCode !== null || worker.signalCode !== null) return done();
          const timer = setTimeout(() => {
            worker.kill('SIGKILL');
            done();
          }, 5000);
          worker.once('exit', () => {
            clearTimeout(timer);
            done();
          });
          worker.kill('SIGTERM');
        }),
    ),
  );
}

async function runPolling(
  app: AppTarget,
  appPid: number,
  agents: number,
  events: number,
  rate: number,
  path: string,
  log: (line: string) => void,
): Promise<ModeResult> {
  const workers = Array.from({ length: Math.max(1, Math.ceil(agents / AGENTS_PER_POLL_PROCESS)) }, () =>
    spawnNode([POLL_CLIENT_SCRIPT], { ipc: true }),
  );
  try {
    const shares = splitEvenly(agents, workers.length);
    const maxSeconds = events / rate + (POLL_INTERVAL_MS * 4) / 1000 + 60;
    await Promise.all(
      workers.map((worker, i) =>
        ask(
          worker,
          {
            command: 'start',
            port: app.port,
            path,
            headers: app.streamRequest().headers,
            agents: shares[i],
            intervalMs: POLL_INTERVAL_MS,
            maxEvents: events,
            maxSeconds,
          },
          'started',
        ),
      ),
    );
    // Warm-up: two intervals of polling with warm-up events flowing (not measured).
    await publishAtRate(app, Math.round(rate * 2), rate, () => WARMUP_SEQ);
    await sleep(POLL_INTERVAL_MS * 2 - 2000);
    const count = async (): Promise<number> =>
      (await Promise.all(workers.map((w) => ask<PollCountReport>(w, { command: 'count' }, 'count')))).reduce(
        (sum, r) => sum + r.polls + r.failedPolls,
        0,
      );
    const clientPids = workers.map((w) => w.pid ?? 0);
    const pollsBefore = await count();
    const before = readCpu(appPid, clientPids);
    await publishAtRate(app, events, rate, (i) => i);
    const after = readCpu(appPid, clientPids);
    const pollsAfter = await count();
    log(`  polling window done; draining ${POLL_INTERVAL_MS + 2000} ms`);
    await sleep(POLL_INTERVAL_MS + 2000);
    const reports = await Promise.all(
      workers.map((w) =>
        ask<PollStoppedReport>(w, { command: 'stop', maxEvents: events, events }, 'stopped'),
      ),
    );
    const cpu = cpuPercents(before, after);
    const freshness = mergeSorted(reports.map((r) => r.freshnessMs));
    const responses = mergeSorted(reports.map((r) => r.responseMs));
    const totalPolls = reports.reduce((s, r) => s + r.polls, 0);
    const totalBytes = reports.reduce((s, r) => s + r.bytes, 0);
    return {
      appCpuPercent: cpu.app,
      postgresCpuPercent: cpu.postgres,
      clientCpuPercent: cpu.clients,
      requestsPerSecond: (pollsAfter - pollsBefore) / cpu.seconds + events / cpu.seconds,
      windowSeconds: cpu.seconds,
      freshnessMs: freshness,
      p50Ms: percentile(freshness, 50),
      p99Ms: percentile(freshness, 99),
      maxMs: freshness.length ? freshness[freshness.length - 1] : Number.NaN,
      missed: reports.reduce((s, r) => s + r.missed, 0),
      expected: agents * events,
      failedRequests: reports.reduce((s, r) => s + r.failedPolls, 0),
      pollResponseP50Ms: percentile(responses, 50),
      pollResponseP99Ms: percentile(responses, 99),
      bytesPerSecond:
        totalPolls > 0 ? (totalBytes / totalPolls) * ((pollsAfter - pollsBefore) / cpu.seconds) : 0,
      errors: reports.flatMap((r) => r.errors).slice(0, 5),
      loadAverage: [before.load, after.load],
    };
  } finally {
    await killWorkers(workers);
  }
}

async function runSse(
  app: AppTarget,
  appPid: number,
  agents: number,
  events: number,
  rate: number,
  log: (line: string) => void,
): Promise<ModeResult> {
  const pool = new ClientPool(Math.max(1, Math.ceil(agents / STREAMS_PER_CLIENT_PROCESS)));
  try {
    const opened = await pool.open({
      port: app.port,
      path: STREAM_PATH,
      headers: app.streamRequest().headers,
      streams: agents,
      concurrency: OPEN_CONCURRENCY,
      eventType: 'customer_created',
      payloadShape: 'notes',
      maxEvents: events,
      timeoutMs: OPEN_TIMEOUT_MS,
    });
    log(`  ${opened.opened}/${agents} streams open`);
    if (opened.opened === 0) throw new Error(`no stream opened: ${opened.errors.join('; ')}`);
    const warmup = Math.round(rate * 2);
    await publishAtRate(app, warmup, rate, () => WARMUP_SEQ);
    await pool.awaitWarmup({ events: warmup, timeoutMs: DELIVERY_TIMEOUT_MS });
    await sleep(POLL_INTERVAL_MS * 2 - 2000);
    const before = readCpu(appPid, pool.pids);
    await publishAtRate(app, events, rate, (i) => i);
    const after = readCpu(appPid, pool.pids);
    const reports = await pool.awaitDeliveries({ events, timeoutMs: DELIVERY_TIMEOUT_MS });
    const cpu = cpuPercents(before, after);
    const freshness = mergeSorted(reports.map((r) => r.latenciesMs));
    return {
      appCpuPercent: cpu.app,
      postgresCpuPercent: cpu.postgres,
      clientCpuPercent: cpu.clients,
      requestsPerSecond: events / cpu.seconds,
      windowSeconds: cpu.seconds,
      freshnessMs: freshness,
      p50Ms: percentile(freshness, 50),
      p99Ms: percentile(freshness, 99),
      maxMs: freshness.length ? freshness[freshness.length - 1] : Number.NaN,
      missed: reports.reduce((s, r) => s + r.lost, 0) + opened.failed * events,
      expected: agents * events,
      failedRequests: opened.failed,
      duplicates: reports.reduce((s, r) => s + r.duplicates, 0),
      outOfOrder: reports.reduce((s, r) => s + r.outOfOrder, 0),
      errors: [...opened.errors, ...reports.flatMap((r) => r.errors)].slice(0, 5),
      loadAverage: [before.load, after.load],
    };
  } finally {
    await pool.close();
  }
}

/** CPU of producing the same events at the same rate with no agent connected (not benchmark events: seq -1). */
async function runBaseline(
  app: AppTarget,
  appPid: number,
  events: number,
  rate: number,
): Promise<{ appCpuPercent: number; postgresCpuPercent: number; loadAverage: [number, number] }> {
  await publishAtRate(app, Math.round(rate * 2), rate, () => WARMUP_SEQ);
  await sleep(1000);
  const before = readCpu(appPid, []);
  await publishAtRate(app, events, rate, () => WARMUP_SEQ);
  const after = readCpu(appPid, []);
  const cpu = cpuPercents(before, after);
  return { appCpuPercent: cpu.app, postgresCpuPercent: cpu.postgres, loadAverage: [before.load, after.load] };
}

export async function runPollingScenario(
  agents: number,
  events: number,
  rate: number,
  path: string,
  log: (line: string) => void,
): Promise<PollingScenarioResult> {
  const app = new AppTarget();
  const result: PollingScenarioResult = { agents, events, rate };
  try {
    const started = await app.start();
    if ('skipped' in started) return { ...result, skipped: started.skipped };
    const pid = started.server.pid;
    await sleep(SETTLE_MS);
    log(`  (0) no agents: the producer alone`);
    result.baseline = await runBaseline(app, pid, events, rate);
    log(
      `      app CPU ${result.baseline.appCpuPercent.toFixed(1)}%, Postgres ${result.baseline.postgresCpuPercent.toFixed(1)}%`,
    );
    await sleep(SETTLE_MS);
    log(`  (a) ${agents} agents polling GET ${path} every ${POLL_INTERVAL_MS / 1000} s`);
    result.polling = await runPolling(app, pid, agents, events, rate, path, log);
    log(`      ${modeSummary(result.polling)}`);
    await sleep(SETTLE_MS);
    log(`  (b) ${agents} agents on GET ${STREAM_PATH}`);
    result.sse = await runSse(app, pid, agents, events, rate, log);
    log(`      ${modeSummary(result.sse)}`);
    return result;
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { ...result, failed: message.split('\n')[0] };
  } finally {
    await app.stop();
    app.dispose();
  }
}

function modeSummary(m: ModeResult): string {
  return (
    `app CPU ${m.appCpuPercent.toFixed(1)}%, Postgres ${m.postgresCpuPercent.toFixed(1)}%, clients ${m.clientCpuPercent.toFixed(0)}%, ` +
    `${m.requestsPerSecond.toFixed(0)} req/s, freshness p50 ${m.p50Ms.toFixed(0)} ms p99 ${m.p99Ms.toFixed(0)} ms max ${m.maxMs.toFixed(0)} ms, ` +
    `missed ${m.missed}/${m.expected}, failed requests ${m.failedRequests}` +
    (m.pollResponseP99Ms !== undefined
      ? `, poll response p50/p99 ${m.pollResponseP50Ms?.toFixed(0)}/${m.pollResponseP99Ms.toFixed(0)} ms`
      : '') +
    (m.errors.length ? `, errors: ${m.errors.join(' | ')}` : '')
  );
}

export async function runPollingCommand(
  options: PollingOptions,
  commandLine: string,
): Promise<PollingScenarioResult[]> {
  const agentCounts = options.agents ?? (options.quick ? [300, 1000] : [1000, 5000]);
  const rate = options.rate ?? 5;
  const seconds = options.seconds ?? (options.quick ? 15 : 30);
  const events = Math.round(rate * seconds);
  const path = options.path ?? DEFAULT_POLL_PATH;
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date();
  const results: PollingScenarioResult[] = [];
  for (const agents of agentCounts) {
    log(`[bench:polling] ${agents} agents, ${events} events at ${rate}/s`);
    results.push(await runPollingScenario(agents, events, rate, path, log));
  }
  const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const suffix = options.quick ? '-quick' : '';
  const chartFile = `docs/bench/polling-freshness${suffix}.svg`;
  const colors = [
    ['#d62728', '#1f77b4'],
    ['#ff7f0e', '#2ca02c'],
    ['#9467bd', '#17becf'],
  ];
  const series = results.flatMap((r, i) => {
    const [pollColor, sseColor] = colors[i % colors.length];
    return [
      ...(r.polling
        ? [
            {
              name: `polling, ${r.agents} agents`,
              color: pollColor,
              points: cdfPoints(r.polling.freshnessMs.map((v) => v / 1000)),
              dashed: true,
            },
          ]
        : []),
      ...(r.sse
        ? [
            {
              name: `SSE, ${r.agents} agents`,
              color: sseColor,
              points: cdfPoints(r.sse.freshnessMs.map((v) => v / 1000)),
            },
          ]
        : []),
    ];
  });
  const section = pollingSection(options, commandLine, startedAt, durationSeconds, results, {
    events,
    rate,
    seconds,
    path,
    chartFile,
  });
  log(`\n${section}\n`);
  if (options.write) {
    const svg = lineChartSvg({
      title: `Freshness: polling every 3 s vs SSE (${rate} events/s, ${startedAt.toISOString().slice(0, 10)})`,
      xLabel: 'change published → agent sees it (s)',
      yLabel: '% of (agent, event) pairs seen',
      series,
      yMax: 100,
    });
    const chartPath = resolve(process.cwd(), chartFile);
    mkdirSync(dirname(chartPath), { recursive: true });
    writeFileSync(chartPath, svg);
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, `polling${suffix}`, section);
    log(`[bench:polling] wrote ${file} and ${chartFile}`);
  }
  return results;
}

export function pollingFailed(results: PollingScenarioResult[]): boolean {
  return results.some((r) => r.failed || !verdict(r).every((v) => v.ok));
}

/** Requests/s the polling agents asked for (one poll per agent per interval) plus the producer's. */
function askedRequestsPerSecond(r: PollingScenarioResult): number {
  return r.agents / (POLL_INTERVAL_MS / 1000) + r.rate;
}

/** The server answered clearly fewer polls than asked: it was the bottleneck. */
function saturated(r: PollingScenarioResult): boolean {
  return r.polling !== undefined && r.polling.requestsPerSecond < 0.9 * askedRequestsPerSecond(r);
}

/** Plain-words notes on runs where polling could not keep up. */
function saturationNotes(results: PollingScenarioResult[]): string[] {
  const notes: string[] = [];
  const unsaturated = results.filter((r) => r.polling && !saturated(r)).at(-1);
  for (const r of results) {
    if (!r.polling || !saturated(r)) continue;
    const m = r.polling;
    const asked = askedRequestsPerSecond(r);
    let estimate = '';
    if (unsaturated?.polling) {
      const u = unsaturated.polling;
      const msPerRequest = ((u.appCpuPercent + u.postgresCpuPercent) / 100 / u.requestsPerSecond) * 1000;
      estimate =
        ` At ${unsaturated.agents.toLocaleString('en')} agents (not saturated) the server spent ${msPerRequest.toFixed(2)} ms of CPU (app + Postgres) per request;` +
        ` ${Math.round(asked).toLocaleString('en')} requests/s at that cost would be about ${((msPerRequest * asked) / 1000).toFixed(1)} cores (an extrapolation, not a measurement) — more than this 2-CPU machine has.`;
    }
    notes.push(
      `- **Polling saturated the app at ${r.agents.toLocaleString('en')} agents**: it answered ${m.requestsPerSecond.toFixed(0)} requests/s of the ${Math.round(asked).toLocaleString('en')} asked (each agent waits for its previous poll), ` +
        `the app process was at ${m.appCpuPercent.toFixed(0)} % of a core (one Node event loop), polls took ${((m.pollResponseP50Ms ?? NaN) / 1000).toFixed(1)} s at p50, ` +
        `${m.missed.toLocaleString('en')} (agent, event) pairs were never seen (more than a page of customers was created between an agent's polls, or the run ended first) and ${m.failedRequests.toLocaleString('en')} polls failed` +
        (m.errors.length ? ` (first: \`${m.errors[0]}\`)` : '') +
        `. Polling's CPU here is therefore a lower bound of what ${r.agents.toLocaleString('en')} polling agents need, and the SSE/polling CPU share an upper bound.` +
        estimate,
    );
  }
  return notes;
}

function verdict(r: PollingScenarioResult): Array<{ name: string; measured: string; ok: boolean }> {
  if (!r.polling || !r.sse)
    return [{ name: 'run', measured: r.failed ?? r.skipped ?? 'incomplete', ok: false }];
  const pollCpu = r.polling.appCpuPercent + r.polling.postgresCpuPercent;
  const sseCpu = r.sse.appCpuPercent + r.sse.postgresCpuPercent;
  const share = sseCpu / pollCpu;
  const base = r.baseline ? r.baseline.appCpuPercent + r.baseline.postgresCpuPercent : undefined;
  const net =
    base !== undefined
      ? `; net of the producer-only ${base.toFixed(1)} %: ${(sseCpu - base).toFixed(1)} % vs ${(pollCpu - base).toFixed(1)} % = ${(((sseCpu - base) / (pollCpu - base)) * 100).toFixed(1)} % (for information; the verdict uses the totals)`
      : '';
  const clean = r.sse.missed === 0 && (r.sse.duplicates ?? 0) === 0 && (r.sse.outOfOrder ?? 0) === 0;
  return [
    {
      name: `SSE server CPU (app + Postgres) ≤ ${TARGET_CPU_SHARE * 100} % of polling's, ${r.agents.toLocaleString('en')} agents`,
      measured:
        `${sseCpu.toFixed(1)} % vs ${pollCpu.toFixed(1)} % of a core = ${(share * 100).toFixed(1)} %` +
        net +
        (saturated(r)
          ? ' (polling saturated the app: its CPU is a lower bound, this share an upper bound)'
          : ''),
      ok: share <= TARGET_CPU_SHARE,
    },
    {
      name: `SSE freshness p99 < ${TARGET_P99_MS / 1000} s and better than polling's, ${r.agents.toLocaleString('en')} agents`,
      measured: `${(r.sse.p99Ms / 1000).toFixed(2)} s vs polling ${(r.polling.p99Ms / 1000).toFixed(2)} s`,
      ok: r.sse.p99Ms < TARGET_P99_MS && r.sse.p99Ms < r.polling.p99Ms,
    },
    {
      name: `every SSE agent got every event once, in order, ${r.agents.toLocaleString('en')} agents`,
      measured: `${r.sse.missed} lost, ${r.sse.duplicates} dup, ${r.sse.outOfOrder} out of order`,
      ok: clean,
    },
  ];
}

function pollingSection(
  options: PollingOptions,
  commandLine: string,
  startedAt: Date,
  durationSeconds: number,
  results: PollingScenarioResult[],
  run: { events: number; rate: number; seconds: number; path: string; chartFile: string },
): string {
  const f = (v: number | undefined, d = 1): string =>
    v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d);
  const rows: string[][] = [];
  for (const r of results) {
    if (r.failed || r.skipped) {
      rows.push([
        String(r.agents),
        r.failed ? `**run failed**: ${r.failed}` : `not measured: ${r.skipped}`,
        ...Array(10).fill(''),
      ]);
      continue;
    }
    if (r.baseline) {
      const b = r.baseline;
      rows.push([
        r.agents.toLocaleString('en'),
        '(0) no agents: the producer alone',
        f(b.appCpuPercent),
        f(b.postgresCpuPercent),
        f(b.appCpuPercent + b.postgresCpuPercent),
        f(r.rate, 0),
        '—',
        '—',
        '—',
        '—',
        '—',
        `${f(b.loadAverage[0])}–${f(b.loadAverage[1])}`,
      ]);
    }
    for (const [label, m] of [
      [`(a) polling every 3 s`, r.polling],
      [`(b) SSE stream`, r.sse],
    ] as const) {
      if (!m) continue;
      rows.push([
        r.agents.toLocaleString('en'),
        label,
        f(m.appCpuPercent),
        f(m.postgresCpuPercent),
        f(m.appCpuPercent + m.postgresCpuPercent),
        f(m.requestsPerSecond, 0),
        f(m.p50Ms / 1000, 2),
        f(m.p99Ms / 1000, 2),
        f(m.maxMs / 1000, 2),
        `${m.missed.toLocaleString('en')} / ${m.expected.toLocaleString('en')}` +
          (m.duplicates !== undefined ? `; ${m.duplicates} dup, ${m.outOfOrder} out of order` : ''),
        m.pollResponseP50Ms !== undefined
          ? `${f(m.pollResponseP50Ms, 0)} / ${f(m.pollResponseP99Ms, 0)}`
          : '—',
        `${f(m.loadAverage[0])}–${f(m.loadAverage[1])}`,
      ]);
    }
  }
  const verdicts = results.flatMap((r) => verdict(r));
  return [
    `## SSE vs polling${options.quick ? ' (quick run)' : ''}: ${results.map((r) => r.agents.toLocaleString('en')).join(' and ')} agents, ${run.rate} events/s`,
    '',
    `- Command: \`${commandLine}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(durationSeconds)} s)`,
    `- Load: ${run.events} \`customer_created\` events (${run.seconds} s at ${run.rate}/s, a busy inbox) committed through \`POST /api/customers\` from the runner, after ${Math.round(run.rate * 2)} unmeasured warm-up events. Server CPU is measured over exactly that window; row (0) measures the same production with no agent connected.`,
    `- (a) Polling: every agent re-fetches \`GET ${run.path}\` every 3 s — what the inbox list does today (refresh the first page, newest first; 50 is the API's default page and holds the ≥ 15 customers created per interval), one keep-alive connection per agent, the agents' polls spread evenly over the 3 s, each poll sent 3 s after the previous one started (never two at once). Freshness = response time of the first poll that returns the new customer − its publish stamp.`,
    `- (b) SSE: every agent holds \`GET ${STREAM_PATH}\`. Freshness = receive time − publish stamp.`,
    "- All simulated agents share the seeded admin's token (the customer list and the stream are workspace-wide, so the user count does not change the work per request; `SSE_MAX_CONNECTIONS_PER_USER` is raised for the run). Agents live in separate load-client processes (polling: one per 2,500 agents; SSE: one per 5,000 streams), on loopback.",
    '',
    markdownTable(
      [
        'agents',
        'mode',
        'app CPU % of a core',
        'Postgres CPU % (children)',
        'server total %',
        'HTTP requests / s',
        'freshness p50 s',
        'p99 s',
        'max s',
        'missed (agent, event) pairs',
        'poll response p50 / p99 ms',
        'load avg',
      ],
      rows,
    ),
    '',
    `![freshness distribution, polling vs SSE](${run.chartFile})`,
    '',
    `[Freshness distribution chart](${run.chartFile}): share of (agent, event) pairs seen within x seconds of the publish request.`,
    '',
    ...(saturationNotes(results).length ? [...saturationNotes(results), ''] : []),
    "### Against the target",
    '',
    markdownTable(
      ['target', 'measured', 'verdict'],
      verdicts.map((v) => [v.name, v.measured, v.ok ? '**pass**' : '**FAIL**']),
    ),
    '',
    "- CPU = utime+stime from `/proc/<pid>/stat` of the app process and, separately, of its embedded Postgres (all child processes), over the measured window, in % of one core; it includes the producer's `POST /api/customers` requests, identical in both modes. `load avg` is the 1-minute load average before and after the window: the 2 CPUs are shared with other work and with the load clients, which inflates freshness most.",
    '- Freshness is measured from the publish stamp written just before `POST /api/customers` is sent, so it is an upper bound of commit → seen.',
  ].join('\n');
}
