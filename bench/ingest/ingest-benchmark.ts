import { randomBytes } from 'node:crypto';
import { ClientPool } from '../client/client-pool.js';
import { cpuMicros, descendantsCpu, descendantsCpuDelta, loadAverage } from '../lib/process-stats.js';
import { mergeSorted, percentile, sleep } from '../lib/stats.js';
import { AppTarget } from '../targets/app-target.js';
import { countersPerMessage, readDatabaseCounters, type DatabaseCounters } from './database-counters.js';
import { BENCH_CHANNELS, signedDelivery } from './webhook-deliveries.js';
import { prepareDelivery, sendPrepared, type PreparedDelivery } from './webhook-sender.js';

export interface IngestScenario {
  messages: number;
  /** Webhook requests in flight at once (closed loop). */
  concurrency: number;
  streams: number;
  sendersPerPlatform: number;
  /**
   * Unmeasured deliveries sent first (their own senders, a tenth of them opening conversations), until every
   * stream has them: the server's code and its database connections are warm when the timed window starts.
   */
  warmupMessages: number;
  warmupSendersPerPlatform: number;
  /** Sending stops after this long even if not every message went out. */
  maxSendSeconds: number;
}

export interface IngestResult {
  scenario: IngestScenario;
  skipped?: string;
  failed?: string;
  sent?: number;
  accepted?: number;
  rejected?: string[];
  responseP50Ms?: number;
  responseP99Ms?: number;
  responseMaxMs?: number;
  /** p99 of the first tenth of the deliveries (most new conversations, code not yet optimised) and of the rest. */
  responseP99FirstTenthMs?: number;
  responseP99RestMs?: number;
  acceptedPerSecond?: number;
  endToEndPerSecond?: number;
  streamsOpen?: number;
  delivered?: number;
  lost?: number;
  duplicates?: number;
  outOfOrder?: number;
  badFrames?: number;
  deliveryP50Ms?: number;
  deliveryP99Ms?: number;
  serverCpuMicrosPerMessage?: number;
  databaseCpuMicrosPerMessage?: number;
  /** The load generator's own CPU: this process (signing, HTTP client) and the stream-reading clients. */
  senderCpuMicrosPerMessage?: number;
  streamClientsCpuMicrosPerMessage?: number;
  /** What Postgres did per message (transactions, index scans, ...), from its statistics views. */
  database?: DatabaseCounters;
  loadAverage?: [number, number];
}

const OPEN_CONCURRENCY = 50;
const OPEN_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 60_000;
const SETTLE_MS = 2000;
const STREAM_PATH = '/api/events/stream?types=new_message';

/**
 * Signed webhook deliveries from this process into the app on embedded Postgres, with streams open from
 * separate load-client processes: accepted/s, end-to-end messages/s (first webhook sent → last message seen
 * on every stream), webhook response times and webhook → stream latency.
 */
export async function runIngestScenario(
  scenario: IngestScenario,
  log: (line: string) => void,
): Promise<IngestResult> {
  const app = new AppTarget();
  let pool: ClientPool | undefined;
  try {
    const started = await app.start();
    if ('skipped' in started) return { scenario, skipped: started.skipped };
    const pid = started.server.pid;
    for (const channel of BENCH_CHANNELS) {
      const created = await app.request('POST', '/api/channels', channel);
      if (created.status !== 201) {
        if (created.status === 404)
          return { scenario, skipped: 'POST /api/channels answers 404: channels are not built yet' };
        throw new Error(
          `POST /api/channels (${channel.platform}) answered ${created.status}: ${created.text.slice(0, 300)}`,
        );
      }
    }

    pool = new ClientPool(1);
    const opened = await pool.open({
      port: app.port,
      path: STREAM_PATH,
      headers: app.streamRequest().headers,
      streams: scenario.streams,
      concurrency: OPEN_CONCURRENCY,
      eventType: 'new_message',
      payloadShape: 'content',
      reader: 'scan',
      maxEvents: scenario.messages,
      timeoutMs: OPEN_TIMEOUT_MS,
    });
    log(`  ${opened.opened}/${scenario.streams} streams open`);
    // Signed up front: signing is the platform's cost, not the server's, and stays out of the timed window.
    const runId = randomBytes(4).toString('hex');
    const deliveries = prepareAll(runId, scenario.messages, scenario.sendersPerPlatform, false);
    if (scenario.warmupMessages > 0) {
      const warmup = prepareAll(runId, scenario.warmupMessages, scenario.warmupSendersPerPlatform, true);
      const warmed = await sendPrepared(app.port, warmup, scenario.concurrency, scenario.maxSendSeconds);
      const ready = await pool.awaitWarmup({ events: warmed.accepted, timeoutMs: DELIVERY_TIMEOUT_MS });
      if (warmed.accepted !== warmup.length || ready !== opened.opened)
        throw new Error(
          `warm-up: ${warmed.accepted}/${warmup.length} accepted, ${ready}/${opened.opened} streams got them all`,
        );
      log(`  ${warmed.accepted} warm-up deliveries on every stream`);
    }
    await sleep(SETTLE_MS);

    const databaseDir = app.databaseDir;
    const countersBefore = databaseDir ? await readDatabaseCounters(databaseDir, true) : undefined;
    const cpuBefore = cpuMicros(pid);
    const databaseBefore = descendantsCpu(pid);
    const senderBefore = process.cpuUsage();
    const clientsBefore = sumCpu(pool.pids);
    const loadBefore = loadAverage();
    const sending = await sendPrepared(app.port, deliveries, scenario.concurrency, scenario.maxSendSeconds);
    const reports = await pool.awaitDeliveries({
      events: sending.accepted,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      sentAt: sending.sentAt,
    });
    const serverCpu = cpuMicros(pid) - cpuBefore;
    const databaseCpu = descendantsCpuDelta(databaseBefore, descendantsCpu(pid));
    const sender = process.cpuUsage(senderBefore);
    const clientsCpu = sumCpu(pool.pids) - clientsBefore;
    const loadAfter = loadAverage();
    const countersAfter = databaseDir ? await readDatabaseCounters(databaseDir, true) : undefined;

    const total = (pick: (r: (typeof reports)[number]) => number): number =>
      reports.reduce((sum, r) => sum + pick(r), 0);
    const lastSeen = Math.max(...reports.map((r) => r.lastReceivedAt));
    const deliveryLatencies = mergeSorted(reports.map((r) => r.latenciesMs));
    const tenth = Math.ceil(sending.responseMs.length / 10);
    const firstTenth = sending.responseMs.slice(0, tenth).sort();
    const rest = sending.responseMs.slice(tenth).sort();
    const responses = sending.responseMs.sort();
    return {
      scenario,
      sent: sending.sent,
      accepted: sending.accepted,
      rejected: sending.rejected,
      responseP50Ms: percentile(responses, 50),
      responseP99Ms: percentile(responses, 99),
      responseMaxMs: responses[responses.length - 1],
      responseP99FirstTenthMs: percentile(firstTenth, 99),
      responseP99RestMs: percentile(rest, 99),
      acceptedPerSecond: sending.accepted / ((sending.lastResponseAt - sending.firstSentAt) / 1000),
      endToEndPerSecond: lastSeen > 0 ? sending.accepted / ((lastSeen - sending.firstSentAt) / 1000) : 0,
      streamsOpen: opened.opened,
      delivered: total((r) => r.delivered),
      lost: total((r) => r.lost) + opened.failed * sending.accepted,
      duplicates: total((r) => r.duplicates),
      outOfOrder: total((r) => r.outOfOrder),
      badFrames: total((r) => r.badFrames),
      deliveryP50Ms: percentile(deliveryLatencies, 50),
      deliveryP99Ms: percentile(deliveryLatencies, 99),
      serverCpuMicrosPerMessage: serverCpu / sending.accepted,
      databaseCpuMicrosPerMessage: databaseCpu / sending.accepted,
      senderCpuMicrosPerMessage: (sender.user + sender.system) / sending.accepted,
      streamClientsCpuMicrosPerMessage: clientsCpu / sending.accepted,
      database:
        countersBefore && countersAfter
          ? countersPerMessage(countersBefore, countersAfter, sending.accepted)
          : undefined,
      loadAverage: [loadBefore, loadAfter],
    };
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { scenario, failed: message.split('\n')[0] };
  } finally {
    await pool?.close();
    await app.stop();
    app.dispose();
  }
}

const sumCpu = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);

function prepareAll(runId: string, count: number, senders: number, warmup: boolean): PreparedDelivery[] {
  return Array.from({ length: count }, (_, seq) => prepareDelivery(signedDelivery(seq, runId, senders, warmup)));
}
