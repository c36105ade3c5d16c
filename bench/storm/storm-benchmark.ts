import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { amountFlag, COMMON_FLAGS, commonOptions, countFlag, readFlags, type FlagSpec, type FlagValues } from '../lib/bench-args.js';
import { machineDescription, markdownTable, replaceSection } from '../lib/benchmarks-md.js';
import { publisherAgent } from '../lib/http-json.js';
import { cpuMicros, descendantsCpu, descendantsCpuDelta, loadAverage, rssKib } from '../lib/process-stats.js';
import { spawnNode } from '../lib/spawn-node.js';
import { epochMs, percentile, sleep } from '../lib/stats.js';
import { lineChartSvg } from '../lib/svg-chart.js';
import { AppTarget } from '../targets/app-target.js';
import { askWorker } from '../lib/worker-ipc.js';
import type {
  StormClientCommand,
  StormClientReport,
  StormFinalReport,
  StormOpenedReport,
  StormStatusReport,
} from './storm-protocol.js';

/**
 * Many streams, the server restarts (SIGTERM, then started again on the same DATA_DIR and
 * port) while events keep being produced; every client reconnects after the `retry:` it was sent and resumes
 * with `Last-Event-ID`. Measures the time to full recovery, loss/duplicates against the event log, and the
 * restarted server's peak CPU and RSS.
 */
const STREAM_PATH = '/api/events/stream?types=customer_created';
const CLIENT_SCRIPT = fileURLToPath(new URL('./storm-client.js', import.meta.url));
const STREAMS_PER_CLIENT_PROCESS = 2500;
const OPEN_CONCURRENCY = 100;
const OPEN_TIMEOUT_MS = 180_000;
const MAX_ATTEMPTS_PER_STREAM = 30;
const RECOVERY_TIMEOUT_MS = 120_000;
const AFTER_SECONDS = 5;
const DRAIN_TIMEOUT_MS = 30_000;
const SAMPLE_MS = 500;
const STATUS_MS = 250;
const MAX_PUBLISHES_IN_FLIGHT = 8;
const IPC_TIMEOUT_MS = 120_000;
/** Retry hints the server sends on shutdown: randomised in [1 s, 10 s). */
const SHUTDOWN_RETRY_RANGE: [number, number] = [1000, 10_000];

export interface StormOptions {
  quick: boolean;
  write: boolean;
  streams?: number;
  rate?: number;
  beforeSeconds?: number;
}

export const STORM_FLAGS = {
  ...COMMON_FLAGS,
  'storm-streams': { type: 'string' },
  'storm-rate': { type: 'string' },
  'storm-before': { type: 'string' },
} satisfies FlagSpec;

export function stormOptions(values: FlagValues): StormOptions {
  return {
    ...commonOptions(values),
    streams: countFlag(values, 'storm-streams'),
    rate: amountFlag(values, 'storm-rate'),
    beforeSeconds: amountFlag(values, 'storm-before'),
  };
}

export function parseStormArgs(argv: string[]): StormOptions {
  return stormOptions(readFlags(argv, STORM_FLAGS));
}

interface Publication {
  seq: number;
  sentAt: number;
  doneAt: number;
  ok: boolean;
}

/** Produces events at a steady rate until stopped or `max` were sent; failures (server down) are recorded. */
class Producer {
  readonly publications: Publication[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly app: AppTarget,
    private readonly rate: number,
    private readonly max: number,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** First successful publication sent at or after `time`. */
  firstOkSentAfter(time: number): Publication | undefined {
    return this.publications.find((p) => p.ok && p.sentAt >= time);
  }

  lastOk(): Publication | undefined {
    for (let i = this.publications.length - 1; i >= 0; i -= 1)
      if (this.publications[i].ok) return this.publications[i];
    return undefined;
  }

  private async run(): Promise<void> {
    const agent = publisherAgent(MAX_PUBLISHES_IN_FLIGHT);
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    try {
      for (let seq = 0; seq < this.max && !this.stopped; seq += 1) {
        const wait = started + (seq * 1000) / this.rate - performance.now();
        if (wait > 0) await sleep(wait);
        while (inFlight.size >= MAX_PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
        const publication: Publication = { seq, sentAt: epochMs(), doneAt: 0, ok: false };
        this.publications.push(publication);
        const tracked: Promise<void> = this.app
          .publish(seq, agent)
          .then(() => {
            publication.ok = true;
          })
          .catch(() => undefined)
          .finally(() => {
            publication.doneAt = epochMs();
            inFlight.delete(tracked);
          });
        inFlight.add(tracked);
      }
      await Promise.all(inFlight);
    } finally {
      agent.destroy();
    }
  }
}

interface Sample {
  at: number;
  appCpuPercent: number;
  postgresCpuPercent: number;
  rssMib: number;
}

/** Samples the restarted server's CPU (per interval) and RSS until stopped. */
class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(): void {
    let last = { at: performance.now(), app: cpuMicros(this.pid), pg: descendantsCpu(this.pid) };
    this.timer = setInterval(() => {
      try {
        const now = { at: performance.now(), app: cpuMicros(this.pid), pg: descendantsCpu(this.pid) };
        const seconds = (now.at - last.at) / 1000;
        this.samples.push({
          at: epochMs(),
          appCpuPercent: ((now.app - last.app) / 1e6 / seconds) * 100,
          postgresCpuPercent: (descendantsCpuDelta(last.pg, now.pg) / 1e6 / seconds) * 100,
          rssMib: rssKib(this.pid) / 1024,
        });
        last = now;
      } catch {
        // process gone: the run is ending
      }
    }, SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface StormResult {
  streams: number;
  rate: number;
  skipped?: string;
  failed?: string;
  opened?: number;
  published?: number;
  committedEvents?: number;
  failedPublishes?: number;
  shutdownSeconds?: number;
  restartSeconds?: number;
  allBackSeconds?: number;
  caughtUpSeconds?: number;
  caughtUpAfterReadySeconds?: number;
  recovered?: boolean;
  lost?: number;
  extra?: number;
  duplicates?: number;
  outOfOrder?: number;
  idMismatches?: number;
  badFrames?: number;
  resyncs?: number;
  resumeMismatches?: number;
  failedAttempts?: number;
  gaveUp?: number;
  reconnections?: number;
  shutdownRetryMinMs?: number;
  shutdownRetryMedianMs?: number;
  shutdownRetryMaxMs?: number;
  shutdownRetriesSeen?: number;
  retryHonourMinMs?: number;
  peakAppCpuPercent?: number;
  peakPostgresCpuPercent?: number;
  peakRssMib?: number;
  rssBeforeRestartMib?: number;
  exactStreams?: number;
  loadAverage?: [number, number];
  timeline?: {
    connected: Array<[number, number]>;
    caughtUp: Array<[number, number]>;
    cpu: Array<[number, number]>;
    readyAt: number;
    exitedAt: number;
  };
  errors?: string[];
}

function ask<T extends StormClientReport>(
  worker: ChildProcess,
  command: StormClientCommand,
  expect: T['report'],
  timeoutMs = IPC_TIMEOUT_MS,
): Promise<T> {
  return askWorker<T>(worker, command, {
    label: 'storm client',
    timeoutMs,
    accepts: (message) => (message as StormClientReport).report === expect,
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

/** Every committed benchmark event in the log: seq → event id (the ground truth the streams are checked against). */
async function committedEvents(app: AppTarget): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  let after = '0';
  for (let page = 0; page < 1000; page += 1) {
    const response = await app.request('GET', `/api/events?after=${after}&types=customer_created&limit=100`);
    if (response.status !== 200)
      throw new Error(`GET /api/events answered ${response.status}: ${response.text.slice(0, 200)}`);
    const items = (response.body as { items: Array<{ id: string; data: { notes?: string } }> }).items;
    if (items.length === 0) break;
    for (const item of items) {
      try {
        const seq = (JSON.parse(String(item.data.notes)) as { seq?: number }).seq;
        if (typeof seq === 'number' && seq >= 0) result.set(seq, Number(item.id));
      } catch {
        // not a benchmark event
      }
    }
    after = items[items.length - 1].id;
  }
  return result;
}

export async function runStorm(
  streams: number,
  rate: number,
  beforeSeconds: number,
  log: (line: string) => void,
): Promise<StormResult> {
  const base: StormResult = { streams, rate };
  const app = new AppTarget();
  const maxEvents = Math.ceil(rate * (beforeSeconds + 40 + RECOVERY_TIMEOUT_MS / 1000 + AFTER_SECONDS + 20));
  const workers = Array.from({ length: Math.max(1, Math.ceil(streams / STREAMS_PER_CLIENT_PROCESS)) }, () =>
    spawnNode([CLIENT_SCRIPT], { ipc: true }),
  );
  let producer: Producer | undefined;
  let sampler: Sampler | undefined;
  try {
    const started = await app.start();
    if ('skipped' in started) return { ...base, skipped: started.skipped };
    const port = app.port;
    const shares = Array.from(
      { length: workers.length },
      (_, i) => Math.floor(streams / workers.length) + (i < streams % workers.length ? 1 : 0),
    );
    const maxSeconds = beforeSeconds + 60 + RECOVERY_TIMEOUT_MS / 1000 + 120;
    const openedReports = await Promise.all(
      workers.map((worker, i) =>
        ask<StormOpenedReport>(
          worker,
          {
            command: 'open',
            port,
            path: STREAM_PATH,
            headers: app.streamRequest().headers,
            streams: shares[i],
            concurrency: OPEN_CONCURRENCY,
            maxEvents,
            maxAttempts: MAX_ATTEMPTS_PER_STREAM,
            maxSeconds,
            timeoutMs: OPEN_TIMEOUT_MS,
          },
          'opened',
          OPEN_TIMEOUT_MS + 30_000,
        ),
      ),
    );
    const opened = openedReports.reduce((s, r) => s + r.opened, 0);
    log(`  ${opened}/${streams} streams open`);
    if (opened < streams)
      throw new Error(
        `only ${opened}/${streams} streams opened: ${openedReports.flatMap((r) => r.errors).join('; ')}`,
      );

    producer = new Producer(app, rate, maxEvents);
    producer.start();
    await sleep(beforeSeconds * 1000);
    const rssBeforeRestartMib = rssKib(started.server.pid) / 1024;
    const loadBefore = loadAverage();

    const status = async (
      markerSeq: number,
    ): Promise<{ connected: number; haveMarker: number; gaveUp: number }> => {
      const reports = await Promise.all(
        workers.map((w) => ask<StormStatusReport>(w, { command: 'status', markerSeq }, 'status')),
      );
      return {
        connected: reports.reduce((s, r) => s + r.connected, 0),
        haveMarker: reports.reduce((s, r) => s + r.haveMarker, 0),
        gaveUp: reports.reduce((s, r) => s + r.gaveUp, 0),
      };
    };

    log(`  SIGTERM after ${beforeSeconds} s of events`);
    const sigtermAt = epochMs();
    await app.stop();
    const exitedAt = epochMs();
    log(
      `  server exited in ${((exitedAt - sigtermAt) / 1000).toFixed(1)} s; starting it again on port ${port}`,
    );
    const restarted = await app.start({ port });
    if ('skipped' in restarted) throw new Error(`restart: ${restarted.skipped}`);
    const readyAt = epochMs();
    sampler = new Sampler(restarted.server.pid);
    sampler.start();
    log(`  ready again ${((readyAt - sigtermAt) / 1000).toFixed(1)} s after SIGTERM`);

    // Recovery: every stream back and holding the first event committed after the restart.
    const recoveryDeadline = Date.now() + RECOVERY_TIMEOUT_MS;
    let marker = producer.firstOkSentAfter(readyAt);
    let recovered = false;
    let lastLog = 0;
    while (Date.now() < recoveryDeadline) {
      marker ??= producer.firstOkSentAfter(readyAt);
      const now = await status(marker?.seq ?? -1);
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(
          `  +${((epochMs() - sigtermAt) / 1000).toFixed(0)} s: ${now.connected} connected, ${now.haveMarker} caught up, ${now.gaveUp} gave up`,
        );
      }
      if (marker && now.haveMarker >= streams) {
        recovered = true;
        break;
      }
      if (now.gaveUp > 0 && now.connected + now.gaveUp >= streams && now.haveMarker + now.gaveUp >= streams)
        break;
      await sleep(STATUS_MS);
    }
    log(
      `  ${recovered ? 'recovered' : 'NOT recovered'} ${((epochMs() - sigtermAt) / 1000).toFixed(1)} s after SIGTERM`,
    );
    await sleep(AFTER_SECONDS * 1000);
    await producer.stop();
    // Drain: every stream has the last committed event (bounded).
    const last = producer.lastOk();
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (last && Date.now() < drainDeadline) {
      if ((await status(last.seq)).haveMarker >= streams) break;
      await sleep(STATUS_MS);
    }
    sampler.stop();
    const loadAfter = loadAverage();

    const truth = await committedEvents(app);
    const finals = await Promise.all(
      workers.map((w) => ask<StormFinalReport>(w, { command: 'report' }, 'final')),
    );
    let lost = 0;
    let extra = 0;
    let idMismatches = 0;
    let exactStreams = 0;
    const markerTimes: number[] = [];
    for (const report of finals) {
      for (let s = 0; s < report.streams; s += 1) {
        let streamOk = true;
        for (let seq = 0; seq < report.maxEvents; seq += 1) {
          const slot = s * report.maxEvents + seq;
          const got = report.receivedAt[slot] !== 0;
          const id = truth.get(seq);
          if (id !== undefined && !got) {
            lost += 1;
            streamOk = false;
          } else if (id === undefined && got) {
            extra += 1;
            streamOk = false;
          } else if (got && report.eventIds[slot] !== id) {
            idMismatches += 1;
            streamOk = false;
          }
        }
        if (streamOk) exactStreams += 1;
        if (marker) markerTimes.push(report.receivedAt[s * report.maxEvents + marker.seq]);
      }
    }
    const sum = (pick: (r: StormFinalReport) => number): number =>
      finals.reduce((acc, r) => acc + pick(r), 0);
    const duplicates = sum((r) => r.duplicates);
    const outOfOrder = sum((r) => r.outOfOrder);
    if (duplicates || outOfOrder) exactStreams = Math.min(exactStreams, streams - 1);

    const reconnects = finals.flatMap((r) => Array.from(r.reconnects)).sort((a, b) => a - b);
    const disconnects = finals.flatMap((r) => Array.from(r.disconnects)).sort((a, b) => a - b);
    const retries = finals.flatMap((r) => Array.from(r.shutdownRetries)).sort((a, b) => a - b);
    const honour = finals.flatMap((r) => Array.from(r.retryHonourMs)).sort((a, b) => a - b);
    const caught = markerTimes.filter((t) => t > 0).sort((a, b) => a - b);
    const rel = (t: number): number => (t - sigtermAt) / 1000;

    // Connected streams over time from the exact disconnect / reconnect times.
    const changes = [
      ...disconnects.map((t) => [t, -1] as const),
      ...reconnects.map((t) => [t, 1] as const),
    ].sort((a, b) => a[0] - b[0]);
    let connected = streams;
    const connectedCurve: Array<[number, number]> = [
      [Math.min(0, rel(changes[0]?.[0] ?? sigtermAt)), streams],
    ];
    for (const [t, delta] of changes) {
      connected += delta;
      connectedCurve.push([rel(t), connected]);
    }
    const caughtCurve: Array<[number, number]> = [
      [0, 0],
      ...caught.map((t, i) => [rel(t), i + 1] as [number, number]),
    ];
    const samples = sampler.samples;
    const cpuCurve = samples.map((s) => [rel(s.at), s.appCpuPercent] as [number, number]);
    const allBack = reconnects.length >= streams ? reconnects[reconnects.length - 1] : Number.NaN;
    const caughtUp = caught.length === streams ? caught[caught.length - 1] : Number.NaN;

    return {
      ...base,
      opened,
      published: producer.publications.length,
      committedEvents: truth.size,
      failedPublishes: producer.publications.filter((p) => !p.ok).length,
      shutdownSeconds: (exitedAt - sigtermAt) / 1000,
      restartSeconds: (readyAt - exitedAt) / 1000,
      allBackSeconds: rel(allBack),
      caughtUpSeconds: rel(caughtUp),
      caughtUpAfterReadySeconds: (caughtUp - readyAt) / 1000,
      recovered,
      lost,
      extra,
      duplicates,
      outOfOrder,
      idMismatches,
      badFrames: sum((r) => r.badFrames),
      resyncs: sum((r) => r.resyncs),
      resumeMismatches: sum((r) => r.resumeMismatches),
      failedAttempts: sum((r) => r.failedAttempts),
      gaveUp: sum((r) => r.gaveUp),
      reconnections: reconnects.length,
      shutdownRetriesSeen: retries.length,
      shutdownRetryMinMs: retries[0],
      shutdownRetryMedianMs: percentile(retries, 50),
      shutdownRetryMaxMs: retries[retries.length - 1],
      retryHonourMinMs: honour[0],
      peakAppCpuPercent: Math.max(...samples.map((s) => s.appCpuPercent)),
      peakPostgresCpuPercent: Math.max(...samples.map((s) => s.postgresCpuPercent)),
      peakRssMib: Math.max(...samples.map((s) => s.rssMib)),
      rssBeforeRestartMib,
      exactStreams,
      loadAverage: [loadBefore, loadAfter],
      timeline: {
        connected: connectedCurve,
        caughtUp: caughtCurve,
        cpu: cpuCurve,
        readyAt: rel(readyAt),
        exitedAt: rel(exitedAt),
      },
      errors: finals.flatMap((r) => r.errors).slice(0, 5),
    };
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { ...base, failed: message.split('\n')[0] };
  } finally {
    sampler?.stop();
    await producer?.stop();
    await killWorkers(workers);
    await app.stop();
    app.dispose();
  }
}

export function stormFailed(result: StormResult): boolean {
  return Boolean(result.failed || result.skipped) || !stormVerdicts(result).every((v) => v.ok);
}

function stormVerdicts(r: StormResult): Array<{ name: string; measured: string; ok: boolean }> {
  if (r.failed || r.skipped) return [{ name: 'run', measured: r.failed ?? r.skipped ?? '', ok: false }];
  const retriesOk =
    (r.shutdownRetriesSeen ?? 0) >= r.streams &&
    (r.shutdownRetryMinMs ?? 0) >= SHUTDOWN_RETRY_RANGE[0] &&
    (r.shutdownRetryMaxMs ?? Infinity) <= SHUTDOWN_RETRY_RANGE[1];
  return [
    {
      name: `every one of ${r.streams.toLocaleString('en')} clients back and caught up after the restart`,
      measured: r.recovered
        ? `yes: all back ${r.allBackSeconds?.toFixed(1)} s, all caught up ${r.caughtUpSeconds?.toFixed(1)} s after SIGTERM`
        : `no (${r.gaveUp} gave up)`,
      ok: Boolean(r.recovered),
    },
    {
      name: 'no event lost or duplicated (each stream = exactly the committed log, ids in order)',
      measured: `${r.exactStreams} / ${r.streams} streams exact; ${r.lost} lost, ${r.extra} not in the log, ${r.duplicates} dup, ${r.outOfOrder} out of order, ${r.idMismatches} id mismatches`,
      ok:
        r.exactStreams === r.streams &&
        r.lost === 0 &&
        r.extra === 0 &&
        r.duplicates === 0 &&
        r.outOfOrder === 0 &&
        r.idMismatches === 0,
    },
    {
      name: 'every stream got a randomised `retry:` in 1–10 s on shutdown',
      measured: `${r.shutdownRetriesSeen} received, ${((r.shutdownRetryMinMs ?? NaN) / 1000).toFixed(2)}–${((r.shutdownRetryMaxMs ?? NaN) / 1000).toFixed(2)} s, median ${((r.shutdownRetryMedianMs ?? NaN) / 1000).toFixed(2)} s`,
      ok: retriesOk,
    },
  ];
}

export async function runStormCommand(options: StormOptions, commandLine: string): Promise<StormResult> {
  const streams = options.streams ?? (options.quick ? 1000 : 5000);
  const rate = options.rate ?? 5;
  const beforeSeconds = options.beforeSeconds ?? (options.quick ? 6 : 10);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date();
  log(`[bench:storm] ${streams} streams, server restart, ${rate} events/s throughout`);
  const r = await runStorm(streams, rate, beforeSeconds, log);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const suffix = options.quick ? '-quick' : '';
  const chartFile = `docs/bench/storm-timeline${suffix}.svg`;
  const f = (v: number | undefined, d = 1): string =>
    v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d);
  const head = [
    `## Reconnect storm${options.quick ? ' (quick run)' : ''}: ${streams.toLocaleString('en')} streams, the server restarts`,
    '',
    `- Command: \`${commandLine}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(seconds)} s)`,
    `- ${streams.toLocaleString('en')} streams \`GET ${STREAM_PATH}\` from separate load-client processes (one per 2,500 streams) that behave like \`EventSource\`: on the end of a stream, or a failed connection attempt while the server is down, each waits the last \`retry:\` it was sent and reconnects with \`Last-Event-ID\` = the last \`id:\` it saw. Events are produced through \`POST /api/customers\` at ${rate}/s before, during and after the restart (attempts while the server is down fail and are not retried). After ${beforeSeconds} s: SIGTERM to the app, wait for it to exit, \`node dist/src/main.js\` again on the same DATA_DIR and port.`,
    "- **Recovered** = every stream reconnected and has received the first event committed after the restarted server was ready (ids arrive in order, so it then has everything before it). **Exact** = at the end, each stream's set of benchmark events equals the committed log read back through `GET /api/events?after=0&types=customer_created` (same ids), none twice, ids strictly increasing.",
    '',
  ];
  let body: string[];
  if (r.failed || r.skipped) {
    body = [r.skipped ? `Not measured: ${r.skipped}` : `**Run failed**: ${r.failed}`];
  } else {
    body = [
      markdownTable(
        ['figure', 'measured'],
        [
          ['streams open before the restart', `${r.opened} / ${r.streams}`],
          ['SIGTERM → process exited', `${f(r.shutdownSeconds)} s`],
          ['exited → started again and ready (embedded Postgres + app)', `${f(r.restartSeconds)} s`],
          [
            'SIGTERM → every client reconnected',
            `${f(r.allBackSeconds)} s (${r.reconnections} reconnections, ${r.failedAttempts} attempts refused while down, retried after \`retry:\` again)`,
          ],
          [
            'SIGTERM → every client caught up (full recovery)',
            `${f(r.caughtUpSeconds)} s (${f(r.caughtUpAfterReadySeconds)} s after ready)`,
          ],
          [
            'shutdown `retry:` hints received',
            `${r.shutdownRetriesSeen}: ${f((r.shutdownRetryMinMs ?? NaN) / 1000, 2)}–${f((r.shutdownRetryMaxMs ?? NaN) / 1000, 2)} s, median ${f((r.shutdownRetryMedianMs ?? NaN) / 1000, 2)} s`,
          ],
          [
            'events attempted / committed (in the log) / failed while down',
            `${r.published} / ${r.committedEvents} / ${r.failedPublishes}`,
          ],
          [
            'integrity',
            `${r.exactStreams} / ${r.streams} streams exact; ${r.lost} lost, ${r.extra} not in the log, ${r.duplicates} dup, ${r.outOfOrder} out of order, ${r.idMismatches} id mismatches, ${r.resyncs} resyncs, ${r.resumeMismatches} resume-id mismatches`,
          ],
          ['restarted server: peak CPU (app process, per 0.5 s)', `${f(r.peakAppCpuPercent, 0)} % of a core`],
          [
            'restarted server: peak CPU of embedded Postgres',
            `${f(r.peakPostgresCpuPercent, 0)} % of a core`,
          ],
          [
            'restarted server: peak RSS (app process)',
            `${f(r.peakRssMib, 0)} MiB (before the restart, with every stream open: ${f(r.rssBeforeRestartMib, 0)} MiB)`,
          ],
          [
            'load average before → after',
            r.loadAverage ? `${f(r.loadAverage[0])} → ${f(r.loadAverage[1])}` : '—',
          ],
        ],
      ),
      '',
      `![reconnect timeline](${chartFile})`,
      '',
      `[Reconnect timeline](${chartFile}): streams connected and streams caught up, and the restarted app's CPU, in seconds after SIGTERM.`,
      '',
      "### Against the target",
      '',
      markdownTable(
        ['target', 'measured', 'verdict'],
        stormVerdicts(r).map((v) => [v.name, v.measured, v.ok ? '**pass**' : '**FAIL**']),
      ),
      ...(r.errors?.length
        ? ['', `Client errors (first ${r.errors.length}): ${r.errors.map((e) => `\`${e}\``).join('; ')}`]
        : []),
    ];
  }
  const section = [...head, ...body].join('\n');
  log(`\n${section}\n`);
  if (options.write) {
    if (r.timeline) {
      const tl = r.timeline;
      const xMax = Math.max(...tl.caughtUp.map((p) => p[0]), ...tl.connected.map((p) => p[0])) + 2;
      const scale = streams / 100; // CPU % drawn on the stream axis: 100 % of a core = all streams
      const svg = lineChartSvg({
        title: `Reconnect storm: ${streams.toLocaleString('en')} streams, server restart (${startedAt.toISOString().slice(0, 10)})`,
        xLabel: 's after SIGTERM',
        yLabel: 'streams',
        series: [
          { name: 'streams caught up', color: '#98df8a', points: tl.caughtUp, step: true, width: 6 },
          { name: 'streams connected', color: '#1f77b4', points: tl.connected, step: true },
          {
            name: `app CPU (${streams.toLocaleString('en')} = 100 % of a core)`,
            color: '#d62728',
            points: tl.cpu.map(([x, y]) => [x, y * scale]),
            dashed: true,
          },
        ],
        xMax,
        yMax: streams,
        markers: [
          { x: 0, label: 'SIGTERM' },
          { x: tl.exitedAt, label: 'exited' },
          { x: tl.readyAt, label: 'ready' },
        ],
      });
      const chartPath = resolve(process.cwd(), chartFile);
      mkdirSync(dirname(chartPath), { recursive: true });
      writeFileSync(chartPath, svg);
    }
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, `storm${suffix}`, section);
    log(`[bench:storm] wrote ${file} and ${chartFile}`);
  }
  return r;
}
