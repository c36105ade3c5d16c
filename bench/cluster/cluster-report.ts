import { machineDescription, markdownTable } from '../lib/benchmarks-md.js';
import type { ClusterRunResult } from './cluster-benchmark.js';

/** Instance counts the linear model is extrapolated to, past what was measured. */
const EXTRAPOLATED_INSTANCES = [8, 16];
const ONE_CORE_MICROS_PER_SECOND = 1_000_000;

export interface ClusterReportContext {
  command: string;
  startedAt: Date;
  seconds: number;
  quick: boolean;
  /** Where the Postgres CPU figures come from (or why there are none). */
  postgres: string;
  embedded: boolean;
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
const grouped = (value: number): string => value.toLocaleString('en-US');

function integrity(r: ClusterRunResult): string {
  return `${r.lost} lost, ${r.duplicates} dup, ${r.outOfOrder ? `${r.outOfOrder} out of order` : 'in order'}${r.badFrames ? `, ${r.badFrames} bad frames` : ''}${r.closedEarly ? `, ${r.closedEarly} closed early` : ''}`;
}

function row(r: ClusterRunResult): string[] {
  const s = r.scenario;
  const perInstance = Math.round(s.streams / s.instances);
  if (r.failed) return [String(s.instances), `${grouped(s.streams)} (${grouped(perInstance)} each)`, `**failed**: ${r.failed}`, ...Array<string>(9).fill('—')];
  return [
    String(s.instances),
    `${grouped(r.opened ?? 0)} (${grouped(perInstance)} each)`,
    `${s.events} × ${s.eventsPerSecond}/s`,
    `${grouped(r.delivered ?? 0)} / ${grouped(r.expectedDeliveries ?? 0)}; ${integrity(r)}`,
    `${fixed(r.p50Ms, 1)} / ${fixed(r.p99Ms, 1)}`,
    fixed(r.appMicrosPerDelivery, 2),
    fixed(r.appCpuPercent, 0),
    `${fixed(r.postgresMicrosPerEvent, 0)} (${fixed(r.postgresNetMicrosPerEvent, 0)})`,
    fixed(r.postgresTransactionsPerEvent, 1),
    fixed(r.idlePostgresCpuPercent, 2),
    fixed(r.idleTransactionsPerSecond, 1),
    r.loadAverage ? `${r.loadAverage[0].toFixed(1)}–${r.loadAverage[1].toFixed(1)}` : '—',
  ];
}

/** Least-squares line y = a + b·x. */
function fitLine(points: Array<[number, number]>): { a: number; b: number } | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  if (sxx === 0) return undefined;
  const b = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0) / sxx;
  return { a: my - b * mx, b };
}

/** What one more instance costs the database, and the event rate at which one Postgres core is used up. */
function derived(results: ClusterRunResult[]): string[] {
  const measured = results.filter((r) => !r.failed && r.postgresNetMicrosPerEvent !== undefined);
  const perEvent = fitLine(measured.map((r) => [r.scenario.instances, r.postgresNetMicrosPerEvent!]));
  const idle = fitLine(measured.map((r) => [r.scenario.instances, r.idlePostgresCpuPercent!]));
  const transactions = fitLine(results.filter((r) => !r.failed).map((r) => [r.scenario.instances, r.postgresTransactionsPerEvent!]));
  const lines: string[] = [];
  if (transactions)
    lines.push(`- Transactions per event ≈ ${transactions.a.toFixed(1)} + ${transactions.b.toFixed(1)} per instance (each instance reads the log after each NOTIFY).`);
  if (!perEvent || !idle) return [...lines, '- Postgres CPU: not measured, so no extrapolation.'];
  lines.push(
    `- Postgres CPU per event, net of idle ≈ ${perEvent.a.toFixed(0)} + ${perEvent.b.toFixed(0)} µs per instance; at rest (streams open, no events) ≈ ${idle.a.toFixed(2)} + ${idle.b.toFixed(2)} % of a core per instance (least squares over the rows above).`,
  );
  const counts = [...new Set([...measured.map((r) => r.scenario.instances), ...EXTRAPOLATED_INSTANCES])].sort((x, y) => x - y);
  const saturation = counts.map((n) => {
    const idleMicros = ((idle.a + idle.b * n) / 100) * ONE_CORE_MICROS_PER_SECOND;
    const micros = perEvent.a + perEvent.b * n;
    const rate = micros > 0 ? (ONE_CORE_MICROS_PER_SECOND - idleMicros) / micros : Number.NaN;
    const label = EXTRAPOLATED_INSTANCES.includes(n) && !measured.some((r) => r.scenario.instances === n) ? `${n} (extrapolated)` : String(n);
    return `${label}: ${Number.isFinite(rate) && rate > 0 ? grouped(Math.round(rate)) : '—'}`;
  });
  lines.push(`- Events/s at which this model uses one core of Postgres, by instance count: ${saturation.join(' · ')}.`);
  return lines;
}

export function clusterSection(results: ClusterRunResult[], context: ClusterReportContext): string {
  const first = results[0].scenario;
  const table = markdownTable(
    [
      'instances',
      'streams open',
      'events × rate',
      'deliveries / integrity',
      'commit → receive p50 / p99 ms',
      'app CPU µs / delivery (Σ instances)',
      'app CPU % (Σ)',
      'Postgres CPU µs / event (net of idle)',
      'Postgres transactions / event',
      'idle: Postgres CPU % of a core',
      'idle: transactions / s',
      'load avg',
    ],
    results.map(row),
  );
  return [
    `## Scale-out on one Postgres${context.quick ? ' (quick run)' : ''}: ${results.map((r) => r.scenario.instances).join(', ')} app instances`,
    '',
    `- Command: \`${context.command}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${context.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(context.seconds)} s)`,
    `- Database: ${context.embedded ? 'one embedded Postgres in its own process' : '`DATABASE_URL`'} shared by every instance; Postgres CPU = ${context.postgres}${context.embedded ? '' : ' (every other client of that server counts too)'}.`,
    `- Load: ${grouped(first.streams)} streams \`GET /api/events/stream\` spread evenly over the instances (one load-client process per instance), ${first.events} \`customer_created\` events at ${first.eventsPerSecond}/s through \`POST /api/customers\` ${first.publishVia === 'all' ? 'on each instance in turn' : 'on the first instance'}, after ${first.warmupEvents} unmeasured warm-up events; the idle window (${first.idleSeconds} s, streams open, no events) measures what the instances cost the database at rest.`,
    '',
    table,
    '',
    ...derived(results),
    '',
    '- **Latency** = receive time in the load client − the publish stamp written just before the `POST` was sent: an upper bound of commit → receive (request, commit, NOTIFY, each instance\'s log read, fan-out).',
    '- **App CPU / delivery** = utime+stime (`/proc/<pid>/stat`) of every instance over the event phase ÷ deliveries on all instances; it includes handling the publish requests.',
    '- **Postgres CPU / event** = CPU of the postmaster and every backend (`/proc/<pid>/schedstat`) over the event phase ÷ events; "net of idle" subtracts the idle window\'s rate over the same time. Transactions from `pg_stat_database` (every statement outside a transaction counts as one), read 11 s after each window (idle backends flush their counters up to 10 s late), less the idle rate over that time.',
    '- **load avg** = 1-minute load average before and after the event phase: the 2 CPUs are shared with the load clients and other work; latency is inflated above ~2.',
  ].join('\n');
}
