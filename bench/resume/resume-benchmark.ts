import { resolve } from 'node:path';
import { ClientPool } from '../client/client-pool.js';
import { COMMON_FLAGS, commonOptions, countFlag, readFlags, type FlagSpec, type FlagValues } from '../lib/bench-args.js';
import { machineDescription, markdownTable, replaceSection } from '../lib/benchmarks-md.js';
import { publisherAgent } from '../lib/http-json.js';
import { loadAverage } from '../lib/process-stats.js';
import { epochMs } from '../lib/stats.js';
import { AppTarget } from '../targets/app-target.js';

/** A client this many events behind gets them all, in order, within the target. */
const TARGET_SECONDS = 1;
const PRODUCE_CONCURRENCY = 16;
const PRODUCE_TIMEOUT_MS = 240_000;
const REPLAY_TIMEOUT_MS = 60_000;
const STREAM_PATH = '/api/events/stream?types=customer_created';

export interface ResumeOptions {
  quick: boolean;
  write: boolean;
  events?: number;
}

export interface ResumeResult {
  events: number;
  skipped?: string;
  failed?: string;
  produceSeconds?: number;
  replaySeconds?: number;
  delivered?: number;
  lost?: number;
  duplicates?: number;
  outOfOrder?: number;
  loadAverage?: [number, number];
}

export const RESUME_FLAGS = { ...COMMON_FLAGS, 'resume-events': { type: 'string' } } satisfies FlagSpec;

export function resumeOptions(values: FlagValues): ResumeOptions {
  return { ...commonOptions(values), events: countFlag(values, 'resume-events') };
}

export function parseResumeArgs(argv: string[]): ResumeOptions {
  return resumeOptions(readFlags(argv, RESUME_FLAGS));
}

/**
 * Commits `events` customer_created events through the REST API with no stream open, then opens one stream
 * with `Last-Event-ID: 0` (the log was never pruned) and times how long it takes until every one of them has
 * arrived, in order, once (connect → last event received, in the load-client process).
 */
export async function runResume(events: number, log: (line: string) => void): Promise<ResumeResult> {
  const app = new AppTarget();
  let pool: ClientPool | undefined;
  try {
    const started = await app.start();
    if ('skipped' in started) return { events, skipped: started.skipped };

    const produceStarted = performance.now();
    const agent = publisherAgent(PRODUCE_CONCURRENCY);
    const deadline = Date.now() + PRODUCE_TIMEOUT_MS;
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: PRODUCE_CONCURRENCY }, async () => {
          while (next < events) {
            if (Date.now() > deadline) throw new Error(`only ${next} of ${events} events produced in time`);
            await app.publish(next++, agent);
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    const produceSeconds = (performance.now() - produceStarted) / 1000;
    log(`  ${events} events committed in ${produceSeconds.toFixed(1)} s`);

    pool = new ClientPool(1);
    const loadBefore = loadAverage();
    const connectAt = epochMs();
    const opened = await pool.open({
      port: app.port,
      path: STREAM_PATH,
      headers: { ...app.streamRequest().headers, 'last-event-id': '0' },
      streams: 1,
      concurrency: 1,
      eventType: 'customer_created',
      payloadShape: 'notes',
      maxEvents: events,
      timeoutMs: REPLAY_TIMEOUT_MS,
    });
    if (opened.opened !== 1) throw new Error(`resume stream did not open: ${opened.errors.join('; ')}`);
    const [report] = await pool.awaitDeliveries({ events, timeoutMs: REPLAY_TIMEOUT_MS });
    return {
      events,
      produceSeconds,
      replaySeconds: (report.lastReceivedAt - connectAt) / 1000,
      delivered: report.delivered,
      lost: report.lost,
      duplicates: report.duplicates,
      outOfOrder: report.outOfOrder,
      loadAverage: [loadBefore, loadAverage()],
    };
  } catch (error) {
    const message = (error as Error).message;
    log(`  error: ${message}`);
    return { events, failed: message.split('\n')[0] };
  } finally {
    await pool?.close();
    await app.stop();
    app.dispose();
  }
}

export async function runResumeCommand(options: ResumeOptions, commandLine: string): Promise<ResumeResult> {
  const events = options.events ?? (options.quick ? 2000 : 10_000);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date();
  log(`[bench:resume] one client ${events} events behind resumes with Last-Event-ID`);
  const result = await runResume(events, log);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const head = [
    `## Resume${options.quick ? ' (quick run)' : ''}: a client ${events.toLocaleString('en')} events behind reconnects with \`Last-Event-ID\``,
    '',
    `- Command: \`${commandLine}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(seconds)} s)`,
    `- ${events} \`customer_created\` events committed through \`POST /api/customers\` with no stream open, then one stream \`?types=customer_created\` with \`Last-Event-ID: 0\` from a separate load-client process; time = connect → last event received.`,
    '',
  ];
  let body: string[];
  if (result.skipped || result.failed) {
    body = [result.skipped ? `Not measured: ${result.skipped}` : `**Run failed**: ${result.failed}`];
  } else {
    const clean = result.lost === 0 && result.duplicates === 0 && result.outOfOrder === 0;
    const ok = clean && (result.replaySeconds ?? Infinity) < TARGET_SECONDS;
    body = [
      markdownTable(
        ['figure', 'measured'],
        [
          [
            'events received',
            `${result.delivered} / ${events}; ${result.lost} lost, ${result.duplicates} dup, ${result.outOfOrder} out of order`,
          ],
          ['connect → last event', `${result.replaySeconds?.toFixed(2)} s`],
          ['(producing them through REST took)', `${result.produceSeconds?.toFixed(1)} s`],
          [
            'load average before → after',
            result.loadAverage
              ? `${result.loadAverage[0].toFixed(1)} → ${result.loadAverage[1].toFixed(1)}`
              : '—',
          ],
        ],
      ),
      '',
      markdownTable(
        ['target', 'measured', 'verdict'],
        [
          [
            `all ${events.toLocaleString('en')} received in order in < ${TARGET_SECONDS} s`,
            `${result.replaySeconds?.toFixed(2)} s, ${clean ? 'complete and in order' : 'NOT complete/in order'}`,
            ok ? '**pass**' : '**FAIL**',
          ],
        ],
      ),
    ];
  }
  const section = [...head, ...body].join('\n');
  log(`\n${section}\n`);
  if (options.write) {
    const file = resolve(process.cwd(), 'BENCHMARKS.md');
    replaceSection(file, options.quick ? 'resume-quick' : 'resume', section);
    log(`[bench:resume] wrote ${file}`);
  }
  return result;
}
