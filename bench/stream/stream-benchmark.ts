import { ClientPool } from '../client/client-pool.js';
import type { DeliveryReport } from '../client/protocol.js';
import { publisherAgent } from '../lib/http-json.js';
import {
  cpuMicros,
  cpuSplitMicros,
  descendantsCpu,
  descendantsCpuDelta,
  loadAverage,
  rssKib,
} from '../lib/process-stats.js';
import { epochMs, mergeSorted, percentile, sleep } from '../lib/stats.js';
import type { StreamTarget } from '../targets/stream-target.js';
import {
  commitToReceive,
  earliest,
  publishToCommit,
  type CommitClock,
  type CommitTimes,
} from './commit-clock.js';

/** One (stream count, event count, rate) combination, run against every target. */
export interface StreamScenario {
  streams: number;
  events: number;
  eventsPerSecond: number;
  /** Unmeasured events published first (same rate), so every target is measured with its hot path compiled. */
  warmupEvents: number;
}

export interface StreamRunResult {
  target: StreamTarget['key'];
  label: string;
  scenario: StreamScenario;
  skipped?: string;
  failed?: string;
  opened?: number;
  openFailures?: number;
  openSeconds?: number;
  delivered?: number;
  expectedDeliveries?: number;
  lost?: number;
  duplicates?: number;
  outOfOrder?: number;
  badFrames?: number;
  badHandshakes?: number;
  closedEarly?: number;
  idMismatches?: number;
  /** Publish → receive: from the stamp taken just before the publish request was sent. */
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** Commit → receive (targets with a commit clock): from the moment a listener of the log could know of the commit. */
  commitP50Ms?: number;
  commitP99Ms?: number;
  commitMaxMs?: number;
  /** Publish stamp → commit stamp p99: the publish request's handling up to its commit. */
  publishToCommitP99Ms?: number;
  /** Why commit → receive is missing for a target with a commit clock. */
  commitUnmeasured?: string;
  cpuMicrosPerDelivery?: number;
  /** Share of the server's CPU spent in the kernel (system time): socket writes on loopback. */
  systemCpuShare?: number;
  /** CPU of the server's child processes (the app's embedded Postgres) per delivery. */
  childCpuMicrosPerDelivery?: number;
  /** CPU of the load-client processes per delivery (they share the machine with the server). */
  clientCpuMicrosPerDelivery?: number;
  /** Server CPU use during the event phase, in % of one core. */
  cpuPercent?: number;
  rssBeforeKib?: number;
  rssIdleKib?: number;
  kibPerIdleStream?: number;
  eventPhaseSeconds?: number;
  /** 1-minute load average before and after the event phase (other work on the shared machine shows here). */
  loadAverage?: [number, number];
  clientErrors?: string[];
}

/** Streams set up at the same time per client process: well under the listen backlog. */
const OPEN_CONCURRENCY = 100;
const OPEN_TIMEOUT_MS = 180_000;
/** Quiet time before each RSS reading, so start-up and connection set-up garbage has settled. */
const SETTLE_MS = 3000;
/** Publish requests in flight at once (open-loop publishing at a steady rate, bounded). */
const MAX_PUBLISHES_IN_FLIGHT = 8;
const DELIVERY_TIMEOUT_MS = 90_000;
/** One client process per this many streams (at least one): 10k streams are read by two processes. */
const STREAMS_PER_CLIENT_PROCESS = 5000;
const WARMUP_SEQ = -1;
/** Quiet time between warm-up and measurement, so warm-up work does not spill into the measured window. */
const WARMUP_QUIET_MS = 1000;

export async function runStreamScenario(
  target: StreamTarget,
  scenario: StreamScenario,
  log: (line: string) => void,
): Promise<StreamRunResult> {
  const base: StreamRunResult = { target: target.key, label: target.label, scenario };
  let pool: ClientPool | undefined;
  let clock: CommitClock | undefined;
  try {
    const started = await target.start();
    if ('skipped' in started) return { ...base, skipped: started.skipped };
    const pid = started.server.pid;

    await sleep(SETTLE_MS);
    const rssBeforeKib = rssKib(pid);

    pool = new ClientPool(Math.max(1, Math.ceil(scenario.streams / STREAMS_PER_CLIENT_PROCESS)));
    const openStarted = Date.now();
    const { path, headers } = target.streamRequest();
    const opened = await pool.open({
      port: started.server.port,
      path,
      headers,
      streams: scenario.streams,
      concurrency: OPEN_CONCURRENCY,
      eventType: target.eventType,
      payloadShape: target.payloadShape,
      maxEvents: scenario.events,
      timeoutMs: OPEN_TIMEOUT_MS,
    });
    const openSeconds = (Date.now() - openStarted) / 1000;
    log(`  ${opened.opened}/${scenario.streams} streams open in ${openSeconds.toFixed(1)} s`);
    if (opened.opened === 0)
      return {
        ...base,
        failed: `no stream opened: ${opened.errors.join('; ')}`,
        clientErrors: opened.errors,
      };

    await sleep(SETTLE_MS);
    const rssIdleKib = rssKib(pid);

    if (scenario.warmupEvents > 0) {
      await publishAtRate(target, scenario.warmupEvents, scenario.eventsPerSecond, () => WARMUP_SEQ);
      const warmed = await pool.awaitWarmup({
        events: scenario.warmupEvents,
        timeoutMs: DELIVERY_TIMEOUT_MS,
      });
      if (warmed < opened.opened) log(`  only ${warmed}/${opened.opened} streams got every warm-up event`);
      await sleep(WARMUP_QUIET_MS);
    }

    clock = await target.startCommitClock?.();
    const cpuBefore = cpuMicros(pid);
    const splitBefore = cpuSplitMicros(pid);
    const childCpuBefore = descendantsCpu(pid);
    const loadBefore = loadAverage();
    const clientCpu = (): number => pool!.pids.reduce((sum, clientPid) => sum + cpuMicros(clientPid), 0);
    const clientCpuBefore = clientCpu();
    const phaseStarted = performance.now();
    const published = await publishAtRate(
      target,
      scenario.events,
      scenario.eventsPerSecond,
      (index) => index,
    );
    const reports = await pool.awaitDeliveries({ events: scenario.events, timeoutMs: DELIVERY_TIMEOUT_MS });
    const eventPhaseSeconds = (performance.now() - phaseStarted) / 1000;
    const cpuUsed = cpuMicros(pid) - cpuBefore;
    const splitAfter = cpuSplitMicros(pid);
    const childCpuUsed = descendantsCpuDelta(childCpuBefore, descendantsCpu(pid));
    const loadAfter = loadAverage();
    const clientCpuUsed = clientCpu() - clientCpuBefore;

    const total = (pick: (report: DeliveryReport) => number): number =>
      reports.reduce((sum, report) => sum + pick(report), 0);
    const latencies = mergeSorted(reports.map((report) => report.latenciesMs));
    const delivered = total((r) => r.delivered);
    // The app's answer comes after its commit, as does the clock's notification: the earlier of the two.
    const commits = clock
      ? commitFigures(earliest(await clock.read(target.payloadShape), published.answeredAt), reports)
      : published.server.size === scenario.events
        ? commitFigures({ committedAt: published.server }, reports)
        : {};
    return {
      ...base,
      ...commits,
      opened: opened.opened,
      openFailures: opened.failed,
      openSeconds,
      badHandshakes: opened.badHandshakes,
      delivered,
      expectedDeliveries: scenario.streams * scenario.events,
      lost: total((r) => r.lost) + opened.failed * scenario.events,
      duplicates: total((r) => r.duplicates),
      outOfOrder: total((r) => r.outOfOrder),
      badFrames: total((r) => r.badFrames),
      closedEarly: total((r) => r.closedEarly),
      idMismatches: total((r) => r.idMismatches),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN,
      cpuMicrosPerDelivery: delivered > 0 ? cpuUsed / delivered : Number.NaN,
      systemCpuShare: cpuUsed > 0 ? (splitAfter.system - splitBefore.system) / cpuUsed : Number.NaN,
      childCpuMicrosPerDelivery: delivered > 0 ? childCpuUsed / delivered : Number.NaN,
      clientCpuMicrosPerDelivery: delivered > 0 ? clientCpuUsed / delivered : Number.NaN,
      cpuPercent: (cpuUsed / 1e6 / eventPhaseSeconds) * 100,
      rssBeforeKib,
      rssIdleKib,
      kibPerIdleStream: (rssIdleKib - rssBeforeKib) / opened.opened,
      eventPhaseSeconds,
      loadAverage: [loadBefore, loadAfter],
      clientErrors: [...opened.errors, ...reports.flatMap((r) => r.errors)].slice(0, 5),
    };
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { ...base, failed: message.split('\n')[0] };
  } finally {
    await clock?.stop();
    await pool?.close();
    await target.stop();
  }
}

/** Commit → receive percentiles of a run, from its commit stamps and the deliveries' receive times. */
function commitFigures(
  times: CommitTimes | { unmatched: string },
  reports: DeliveryReport[],
): Partial<StreamRunResult> {
  if ('unmatched' in times) return { commitUnmeasured: times.unmatched };
  const { latenciesMs, unstamped } = commitToReceive(reports, times.committedAt);
  if (unstamped > 0) return { commitUnmeasured: `${unstamped} deliveries without a commit stamp` };
  return {
    commitP50Ms: percentile(latenciesMs, 50),
    commitP99Ms: percentile(latenciesMs, 99),
    commitMaxMs: latenciesMs.length > 0 ? latenciesMs[latenciesMs.length - 1] : Number.NaN,
    publishToCommitP99Ms: times.publishedAt
      ? percentile(publishToCommit(times.committedAt, times.publishedAt), 99)
      : undefined,
  };
}

/** By sequence number: the stamps the server answered (see StreamTarget.publish), and when its answer arrived. */
export interface PublishStamps {
  server: Map<number, number>;
  answeredAt: Map<number, number>;
}

/**
 * Publishes `events` events at a steady rate (open loop, at most MAX_PUBLISHES_IN_FLIGHT outstanding).
 */
export async function publishAtRate(
  target: Pick<StreamTarget, 'publish'>,
  events: number,
  eventsPerSecond: number,
  seqOf: (index: number) => number,
): Promise<PublishStamps> {
  const stamps: PublishStamps = { server: new Map(), answeredAt: new Map() };
  const agent = publisherAgent(MAX_PUBLISHES_IN_FLIGHT);
  const intervalMs = 1000 / eventsPerSecond;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  const failures: Error[] = [];
  try {
    for (let index = 0; index < events; index += 1) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= MAX_PUBLISHES_IN_FLIGHT) await Promise.race(inFlight);
      const seq = seqOf(index);
      const publication = target.publish(seq, agent).then(
        (stamp) => {
          stamps.answeredAt.set(seq, epochMs());
          if (typeof stamp === 'number') stamps.server.set(seq, stamp);
        },
        (error: Error) => {
          failures.push(error);
        },
      );
      const tracked = publication.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} publish requests failed, first: ${failures[0].message}`);
  return stamps;
}
