import type { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { countFlag, COMMON_FLAGS, commonOptions, readFlags, type FlagSpec } from '../lib/bench-args.js';
import { markdownTable } from '../lib/benchmarks-md.js';
import { requestJson, type JsonResponse } from '../lib/http-json.js';
import { cpuMicros } from '../lib/process-stats.js';
import { sleep } from '../lib/stats.js';
import { AppTarget } from '../targets/app-target.js';
import { everyInterval, setUpActivityFixture, type ActivityFixture } from './activity-fixture.js';

export interface ReportCostOptions {
  quick: boolean;
  agents: number;
}

const FLAGS = { ...COMMON_FLAGS, agents: { type: 'string' } } satisfies FlagSpec;
const INTERVAL_MS = 3000;
/** Before measuring: one full interval, so every sender is in its rhythm (and the reporter's answers are cached). */
const WARMUP_MS = INTERVAL_MS + 1000;
const QUIET_MS = 1000;

type Send = (port: number, fixture: ActivityFixture, token: string, agent: Agent | undefined) => Promise<JsonResponse>;

/** What each phase sends: the activity report, and cheaper routes that share more or less of its path. */
const PHASES: Array<{ label: string; send: Send }> = [
  {
    label: '`POST /api/conversations/:id/activity` (typing)',
    send: (port, fixture, token, agent) =>
      requestJson(port, 'POST', `/api/conversations/${fixture.conversationId}/activity`, { kind: 'typing' }, { headers: bearer(token), agent }),
  },
  {
    label: '`POST /api/presence/activity`',
    send: (port, _fixture, token, agent) => requestJson(port, 'POST', '/api/presence/activity', undefined, { headers: bearer(token), agent }),
  },
  { label: '`GET /api/auth/me`', send: (port, _fixture, token, agent) => requestJson(port, 'GET', '/api/auth/me', undefined, { headers: bearer(token), agent }) },
  { label: '`GET /api/health/live` (no auth)', send: (port, _fixture, _token, agent) => requestJson(port, 'GET', '/api/health/live', undefined, { agent }) },
];

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function parseReportCostArgs(argv: string[]): ReportCostOptions {
  const values = readFlags(argv, FLAGS);
  return { quick: commonOptions(values).quick, agents: countFlag(values, 'agents') ?? 100 };
}

/**
 * The server CPU of one activity report by itself: no stream is open, `agents` agents send one request every
 * 3 s each (the bench:activity rate), over a kept-alive connection each and then over a new connection per
 * request, and each phase's CPU (utime + stime, /proc) net of the idle rate (the quieter of a reading before
 * and one after the phases) is divided by its answered requests. The other routes split the cost: the bare request stack, authentication,
 * and what the report adds on top.
 */
export async function runReportCost(options: ReportCostOptions): Promise<boolean> {
  const seconds = options.quick ? 8 : 20;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const app = new AppTarget();
  const started = await app.start();
  if ('skipped' in started) {
    log(`skipped: ${started.skipped}`);
    return false;
  }
  let fixture: ActivityFixture | undefined;
  try {
    const ready = await setUpActivityFixture(app, options.agents);
    fixture = ready;
    const pid = started.server.pid;
    const idleAtStart = await idleRate(pid, seconds);
    const phases: Array<{ label: string; connection: string; count: number; cpu: number; load: string }> = [];
    let failed = 0;
    for (const keptAlive of [true, false]) {
      for (const phase of PHASES) {
        let answered = 0;
        const stop = everyInterval(ready.tokens.length, INTERVAL_MS, (index) => {
          const agent = keptAlive ? ready.connections[index] : undefined;
          phase.send(app.port, ready, ready.tokens[index], agent).then(
            (response) => (response.status < 300 ? (answered += 1) : (failed += 1)),
            () => (failed += 1),
          );
        });
        await sleep(WARMUP_MS);
        const cpuBefore = cpuMicros(pid);
        const answeredBefore = answered;
        const load = loadAverage();
        await sleep(seconds * 1000);
        const cpu = cpuMicros(pid) - cpuBefore;
        const count = answered - answeredBefore;
        stop();
        const connection = keptAlive ? 'kept alive' : 'new per request';
        phases.push({ label: phase.label, connection, count, cpu, load });
        log(`  ${phase.label}, ${connection}: ${count} requests, ${(cpu / count).toFixed(0)} µs each before idle is subtracted`);
        await sleep(QUIET_MS);
      }
    }
    // The first reading follows the fixture's 100 sign-ins, and leftover work (GC, optimisation) can inflate it;
    // background work never makes a reading smaller, so the quieter of the two is the background rate.
    const idleAtEnd = await idleRate(pid, seconds);
    const idlePerSecond = Math.min(idleAtStart, idleAtEnd);
    const rows = phases.map(({ label, connection, count, cpu, load }) => {
      const net = cpu - idlePerSecond * seconds;
      return [label, connection, (count / seconds).toFixed(1), (net / seconds / 1000).toFixed(1), (net / count).toFixed(0), load];
    });
    log(
      `idle: ${(idleAtStart / 1000).toFixed(1)} ms/s before the phases, ${(idleAtEnd / 1000).toFixed(1)} ms/s after them ` +
        `(the lower subtracted below); ${failed} requests failed`,
    );
    log(markdownTable(['route', 'connection', 'requests / s', 'server CPU ms/s (net of idle)', 'µs per request', 'load average'], rows));
    return failed === 0;
  } finally {
    fixture?.connections.forEach((connection) => connection.destroy());
    await app.stop();
    app.dispose();
  }
}

/** CPU per second of the server while nothing is sent: its timers and pollers. */
async function idleRate(pid: number, seconds: number): Promise<number> {
  const before = cpuMicros(pid);
  await sleep(seconds * 1000);
  return (cpuMicros(pid) - before) / seconds;
}

/** The 1-minute load average when the phase started: the CPU figures are inflated on a shared machine. */
function loadAverage(): string {
  return loadavg()[0].toFixed(1);
}
