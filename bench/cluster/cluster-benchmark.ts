import { ClientPool } from '../client/client-pool.js';
import type { DeliveryReport } from '../client/protocol.js';
import { cpuMicros, descendantsCpuDelta, loadAverage } from '../lib/process-stats.js';
import { mergeSorted, percentile, sleep } from '../lib/stats.js';
import { splitEvenly } from '../lib/worker-ipc.js';
import { publishAtRate } from '../stream/stream-benchmark.js';
import { ClusterTarget } from './cluster-target.js';
import type { PostgresProbe, PostgresReading } from './postgres-probe.js';

export interface ClusterScenario {
  instances: number;
  /** Streams over all instances, spread evenly. */
  streams: number;
  events: number;
  eventsPerSecond: number;
  warmupEvents: number;
  /** Streams open, no events: what the instances cost the database at rest (heartbeats, presence, relay polls). */
  idleSeconds: number;
  publishVia: 'all' | 'first';
}

export interface ClusterRunResult {
  scenario: ClusterScenario;
  failed?: string;
  opened?: number;
  delivered?: number;
  expectedDeliveries?: number;
  lost?: number;
  duplicates?: number;
  outOfOrder?: number;
  badFrames?: number;
  closedEarly?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Sum over the instances of their CPU in the event phase ÷ deliveries. */
  appMicrosPerDelivery?: number;
  appCpuPercent?: number;
  /** Postgres CPU in the event phase ÷ events; undefined when the server's processes are not visible. */
  postgresMicrosPerEvent?: number;
  /** The same, less what the idle window's rate would have used in that time: the cost the events add. */
  postgresNetMicrosPerEvent?: number;
  /** Transactions in the event phase less the idle rate over the same time, ÷ events. */
  postgresTransactionsPerEvent?: number;
  /** Postgres CPU with the streams open and no events, % of one core. */
  idlePostgresCpuPercent?: number;
  idleTransactionsPerSecond?: number;
  eventPhaseSeconds?: number;
  loadAverage?: [number, number];
  errors?: string[];
}

const OPEN_CONCURRENCY = 100;
const OPEN_TIMEOUT_MS = 180_000;
const DELIVERY_TIMEOUT_MS = 90_000;
const SETTLE_MS = 3000;
const WARMUP_SEQ = -1;
const WARMUP_QUIET_MS = 1000;
/**
 * Postgres backends that go idle flush their statistics (pg_stat_database) up to 10 s later
 * (PGSTAT_IDLE_INTERVAL): transaction counts are read this long after a burst, so it is not counted in the
 * next window, and the idle rate over the wait is taken back out.
 */
const STATS_FLUSH_MS = 11_000;

/** One instance count: start the instances, open the streams on them, measure idle, then the event phase. */
export async function runClusterScenario(
  scenario: ClusterScenario,
  databaseUrl: string,
  probe: PostgresProbe,
  log: (line: string) => void,
): Promise<ClusterRunResult> {
  const base: ClusterRunResult = { scenario };
  const cluster = new ClusterTarget(scenario.instances, databaseUrl);
  // One load-client process per instance, each reading that instance's share of the streams.
  let pools: ClientPool[] = [];
  try {
    const servers = await cluster.start();
    log(`  ${servers.length} instance(s) ready on ports ${servers.map((server) => server.port).join(', ')}`);
    pools = servers.map(() => new ClientPool(1));
    const shares = splitEvenly(scenario.streams, servers.length);
    const openStarted = Date.now();
    const openedReports = await Promise.all(
      pools.map((pool, index) => {
        const { path, headers } = cluster.instances[index].streamRequest();
        return pool.open({
          port: servers[index].port,
          path,
          headers,
          streams: shares[index],
          concurrency: OPEN_CONCURRENCY,
          eventType: cluster.instances[index].eventType,
          payloadShape: cluster.instances[index].payloadShape,
          maxEvents: scenario.events,
          timeoutMs: OPEN_TIMEOUT_MS,
        });
      }),
    );
    const opened = openedReports.reduce((sum, report) => sum + report.opened, 0);
    const openFailed = openedReports.reduce((sum, report) => sum + report.failed, 0);
    log(`  ${opened}/${scenario.streams} streams open (${shares.join(' + ')}) in ${((Date.now() - openStarted) / 1000).toFixed(1)} s`);
    if (opened === 0) return { ...base, failed: `no stream opened: ${openedReports.flatMap((r) => r.errors).join('; ')}` };
    await sleep(SETTLE_MS);

    const publisher = { publish: (seq: number, agent: Parameters<ClusterTarget['publish']>[1]) => cluster.publish(seq, agent, scenario.publishVia) };
    if (scenario.warmupEvents > 0) {
      await publishAtRate(publisher, scenario.warmupEvents, scenario.eventsPerSecond, () => WARMUP_SEQ);
      const warmed = await Promise.all(pools.map((pool) => pool.awaitWarmup({ events: scenario.warmupEvents, timeoutMs: DELIVERY_TIMEOUT_MS })));
      const ready = warmed.reduce((a, b) => a + b, 0);
      if (ready < opened) log(`  only ${ready}/${opened} streams got every warm-up event`);
      await sleep(WARMUP_QUIET_MS);
    }

    await sleep(STATS_FLUSH_MS);
    const idleBefore = await probe.read();
    const idleStarted = performance.now();
    await sleep(scenario.idleSeconds * 1000);
    const idleAfter = await probe.read();
    const idleSeconds = (performance.now() - idleStarted) / 1000;
    const idleCpuPerSecond = postgresCpu(idleBefore, idleAfter) / idleSeconds;
    const idleTransactionsPerSecond = (idleAfter.transactions - idleBefore.transactions) / idleSeconds;

    const appCpu = (): number => servers.reduce((sum, server) => sum + cpuMicros(server.pid), 0);
    const appBefore = appCpu();
    const databaseBefore = await probe.read();
    const loadBefore = loadAverage();
    const phaseStarted = performance.now();
    await publishAtRate(publisher, scenario.events, scenario.eventsPerSecond, (index) => index);
    const reports = (await Promise.all(pools.map((pool) => pool.awaitDeliveries({ events: scenario.events, timeoutMs: DELIVERY_TIMEOUT_MS })))).flat();
    const eventPhaseSeconds = (performance.now() - phaseStarted) / 1000;
    const appUsed = appCpu() - appBefore;
    const databaseAfter = await probe.read();
    const loadAfter = loadAverage();
    const flushStarted = performance.now();
    await sleep(STATS_FLUSH_MS);
    const flushed = await probe.read();
    const countedSeconds = eventPhaseSeconds + (performance.now() - flushStarted) / 1000;
    const eventTransactions = flushed.transactions - databaseBefore.transactions - idleTransactionsPerSecond * countedSeconds;

    const total = (pick: (report: DeliveryReport) => number): number => reports.reduce((sum, report) => sum + pick(report), 0);
    const delivered = total((r) => r.delivered);
    const latencies = mergeSorted(reports.map((report) => report.latenciesMs));
    const databaseUsed = postgresCpu(databaseBefore, databaseAfter);
    const measurable = probe.cpuMeasurable;
    return {
      ...base,
      opened,
      delivered,
      expectedDeliveries: scenario.streams * scenario.events,
      lost: total((r) => r.lost) + openFailed * scenario.events,
      duplicates: total((r) => r.duplicates),
      outOfOrder: total((r) => r.outOfOrder),
      badFrames: total((r) => r.badFrames),
      closedEarly: total((r) => r.closedEarly),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      appMicrosPerDelivery: delivered > 0 ? appUsed / delivered : Number.NaN,
      appCpuPercent: (appUsed / 1e6 / eventPhaseSeconds) * 100,
      postgresMicrosPerEvent: measurable ? databaseUsed / scenario.events : undefined,
      postgresNetMicrosPerEvent: measurable ? (databaseUsed - idleCpuPerSecond * eventPhaseSeconds) / scenario.events : undefined,
      postgresTransactionsPerEvent: eventTransactions / scenario.events,
      idlePostgresCpuPercent: measurable ? (idleCpuPerSecond / 1e6) * 100 : undefined,
      idleTransactionsPerSecond,
      eventPhaseSeconds,
      loadAverage: [loadBefore, loadAfter],
      errors: [...openedReports.flatMap((r) => r.errors), ...reports.flatMap((r) => r.errors)].slice(0, 5),
    };
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { ...base, failed: message.split('\n')[0] };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await cluster.stop();
  }
}

function postgresCpu(before: PostgresReading, after: PostgresReading): number {
  return descendantsCpuDelta(before.cpuByPid, after.cpuByPid);
}
