import { machineDescription, markdownTable } from '../lib/benchmarks-md.js';
import type { StreamRunResult, StreamScenario } from './stream-benchmark.js';

/** The benchmark's targets. */
export const STREAM_TARGETS = {
  concurrentStreams: 10_000,
  p99AtThousandMs: 25,
  commitP99VersusRawAtThousand: 1.1,
  p99VersusRawAtTenThousand: 1.2,
  cpuVersusRaw: 1.3,
  cpuAdvantageOverNaive: 2.5,
  kibPerIdleStream: 15,
};

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

function integrity(result: StreamRunResult): string {
  if (result.lost === undefined) return '—';
  const problems = [
    result.lost ? `${result.lost} lost` : '',
    result.duplicates ? `${result.duplicates} dup` : '',
    result.outOfOrder ? `${result.outOfOrder} out of order` : '',
    result.badFrames ? `${result.badFrames} bad frames` : '',
    result.closedEarly ? `${result.closedEarly} closed early` : '',
    result.idMismatches ? `${result.idMismatches} id mismatches` : '',
    result.badHandshakes ? `${result.badHandshakes} bad handshakes` : '',
  ].filter(Boolean);
  return problems.length === 0 ? '0 lost, 0 dup, in order' : problems.join(', ');
}

function commitCell(result: StreamRunResult): string {
  if (result.commitP99Ms !== undefined)
    return `${fixed(result.commitP50Ms, 1)} / ${fixed(result.commitP99Ms, 1)} / ${fixed(result.commitMaxMs, 1)}`;
  return result.commitUnmeasured ? `not measured: ${result.commitUnmeasured}` : '—';
}

export function resultsTable(results: StreamRunResult[]): string {
  const header = [
    'target',
    'streams open',
    'events × rate',
    'delivered',
    'integrity',
    'publish → receive p50 ms',
    'p99 ms',
    'max ms',
    'commit → receive p50 / p99 / max ms',
    'server CPU µs / delivery',
    'child-process CPU µs / delivery',
    'server CPU % (event phase)',
    'RSS before → idle MB',
    'KB / idle stream',
    'load avg',
  ];
  const rows = results.map((r) => {
    if (r.skipped || r.failed) {
      return [
        r.label,
        `— / ${r.scenario.streams}`,
        `${r.scenario.events} × ${r.scenario.eventsPerSecond}/s`,
        r.skipped ? `skipped: ${r.skipped}` : `FAILED: ${r.failed}`,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
      ];
    }
    return [
      r.label,
      `${r.opened} / ${r.scenario.streams}`,
      `${r.scenario.events} × ${r.scenario.eventsPerSecond}/s`,
      `${r.delivered} / ${r.expectedDeliveries}`,
      integrity(r),
      fixed(r.p50Ms, 1),
      fixed(r.p99Ms, 1),
      fixed(r.maxMs, 1),
      commitCell(r),
      r.systemCpuShare === undefined || Number.isNaN(r.systemCpuShare)
        ? fixed(r.cpuMicrosPerDelivery, 1)
        : `${fixed(r.cpuMicrosPerDelivery, 1)} (${fixed(r.systemCpuShare * 100, 0)}% sys)`,
      r.target === 'app' ? fixed(r.childCpuMicrosPerDelivery, 1) : '—',
      fixed(r.cpuPercent, 0),
      `${fixed((r.rssBeforeKib ?? NaN) / 1024, 0)} → ${fixed((r.rssIdleKib ?? NaN) / 1024, 0)}`,
      fixed(r.kibPerIdleStream, 1),
      r.loadAverage ? `${r.loadAverage[0].toFixed(1)}–${r.loadAverage[1].toFixed(1)}` : '—',
    ];
  });
  return markdownTable(header, rows);
}

interface Verdict {
  target: string;
  measured: string;
  verdict: string;
}

function find(
  results: StreamRunResult[],
  key: StreamRunResult['target'],
  streams: number,
): StreamRunResult | undefined {
  const result = results.find((r) => r.target === key && r.scenario.streams === streams);
  return result && !result.skipped && !result.failed ? result : undefined;
}

const passFail = (ok: boolean): string => (ok ? '**pass**' : '**FAIL**');

/** Pass/fail against the targets; `small`/`large` are the stream counts standing in for 1,000 and 10,000. */
export function verdicts(results: StreamRunResult[], small: number, large: number): Verdict[] {
  const app = (n: number): StreamRunResult | undefined => find(results, 'app', n);
  const raw = (n: number): StreamRunResult | undefined => find(results, 'raw', n);
  const naive = (n: number): StreamRunResult | undefined => find(results, 'naive', n);
  const appSkipped = results.find((r) => r.target === 'app' && (r.skipped || r.failed));
  const missing = appSkipped
    ? `not measured (${appSkipped.skipped ?? `failed: ${appSkipped.failed}`})`
    : 'not measured';
  const list: Verdict[] = [];
  const add = (target: string, compute: () => [string, boolean] | undefined): void => {
    const outcome = compute();
    list.push(
      outcome
        ? { target, measured: outcome[0], verdict: passFail(outcome[1]) }
        : { target, measured: missing, verdict: '—' },
    );
  };
  const t = STREAM_TARGETS;

  add(`${large.toLocaleString('en')} concurrent streams in one process`, () => {
    const a = app(large);
    return a ? [`${a.opened} open`, a.opened === large && a.openFailures === 0] : undefined;
  });
  add(`p99 ≤ ${t.p99AtThousandMs} ms at ${small.toLocaleString('en')} streams`, () => {
    const a = app(small);
    return a?.p99Ms !== undefined ? [`${fixed(a.p99Ms, 1)} ms`, a.p99Ms <= t.p99AtThousandMs] : undefined;
  });
  add(`commit → receive p99 ≤ ${t.commitP99VersusRawAtThousand}× raw at ${small.toLocaleString('en')} streams`, () => {
    const a = app(small);
    const r = raw(small);
    if (a?.commitP99Ms === undefined || !r?.commitP99Ms) return undefined;
    const ratio = a.commitP99Ms / r.commitP99Ms;
    return [
      `${fixed(a.commitP99Ms, 1)} vs ${fixed(r.commitP99Ms, 1)} ms = ${fixed(ratio, 2)}×`,
      ratio <= t.commitP99VersusRawAtThousand,
    ];
  });
  add(`p99 ≤ ${t.p99VersusRawAtTenThousand}× raw at ${large.toLocaleString('en')} streams`, () => {
    const a = app(large);
    const r = raw(large);
    if (!a?.p99Ms || !r?.p99Ms) return undefined;
    const ratio = a.p99Ms / r.p99Ms;
    return [
      `${fixed(a.p99Ms, 1)} vs ${fixed(r.p99Ms, 1)} ms = ${fixed(ratio, 2)}×`,
      ratio <= t.p99VersusRawAtTenThousand,
    ];
  });
  for (const n of [small, large]) {
    add(`CPU / delivery ≤ ${t.cpuVersusRaw}× raw at ${n.toLocaleString('en')} streams`, () => {
      const a = app(n);
      const r = raw(n);
      if (!a?.cpuMicrosPerDelivery || !r?.cpuMicrosPerDelivery) return undefined;
      const ratio = a.cpuMicrosPerDelivery / r.cpuMicrosPerDelivery;
      return [
        `${fixed(a.cpuMicrosPerDelivery, 1)} vs ${fixed(r.cpuMicrosPerDelivery, 1)} µs = ${fixed(ratio, 2)}×`,
        ratio <= t.cpuVersusRaw,
      ];
    });
    add(
      `CPU / delivery ≥ ${t.cpuAdvantageOverNaive}× lower than naive Nest at ${n.toLocaleString('en')} streams`,
      () => {
        const a = app(n);
        const v = naive(n);
        if (!a?.cpuMicrosPerDelivery || !v?.cpuMicrosPerDelivery) return undefined;
        const ratio = v.cpuMicrosPerDelivery / a.cpuMicrosPerDelivery;
        return [
          `${fixed(v.cpuMicrosPerDelivery, 1)} vs ${fixed(a.cpuMicrosPerDelivery, 1)} µs = ${fixed(ratio, 2)}× lower`,
          ratio >= t.cpuAdvantageOverNaive,
        ];
      },
    );
  }
  for (const n of [small, large]) {
    add(`RSS per idle stream ≤ 1.5× raw and below better-sse at ${n.toLocaleString('en')} streams`, () => {
      const a = app(n)?.kibPerIdleStream;
      const r = raw(n)?.kibPerIdleStream;
      const b = find(results, 'better-sse', n)?.kibPerIdleStream;
      if (a === undefined || !r || b === undefined) return undefined;
      return [`${fixed(a, 1)} KB vs raw ${fixed(r, 1)} (${fixed(a / r, 2)}×), better-sse ${fixed(b, 1)}`, a <= 1.5 * r && a < b];
    });
  }
  add(`RSS per idle stream ≤ ${t.kibPerIdleStream} KB (at ${large.toLocaleString('en')} streams)`, () => {
    const a = app(large);
    return a?.kibPerIdleStream !== undefined
      ? [`${fixed(a.kibPerIdleStream, 1)} KB`, a.kibPerIdleStream <= t.kibPerIdleStream]
      : undefined;
  });
  const measured = results.filter((r) => !r.skipped);
  const clean = (r: StreamRunResult): boolean =>
    !r.failed &&
    r.opened === r.scenario.streams &&
    r.lost === 0 &&
    r.duplicates === 0 &&
    r.outOfOrder === 0 &&
    r.badFrames === 0 &&
    r.closedEarly === 0;
  list.push({
    target:
      'zero lost events in every run (all targets: every stream open, every event once, ids strictly increasing)',
    measured: `${measured.filter(clean).length} of ${measured.length} runs clean`,
    verdict: passFail(measured.length > 0 && measured.every(clean)),
  });
  return list;
}

export function streamSection(options: {
  title: string;
  command: string;
  startedAt: Date;
  durationSeconds: number;
  scenarios: StreamScenario[];
  results: StreamRunResult[];
  quick: boolean;
}): string {
  const { scenarios, results } = options;
  const small = Math.min(...scenarios.map((s) => s.streams));
  const large = Math.max(...scenarios.map((s) => s.streams));
  const verdictRows = verdicts(results, small, large).map((v) => [v.target, v.measured, v.verdict]);
  const notes = [
    '- **Publish → receive** = receive time in the load client − the publish stamp `t` put into the event just before the publish request was sent (both `performance.timeOrigin + performance.now()`, separate processes on one machine). For the app this is REST request → insert → commit (with its fsync) → relay → stream → client; for the baselines it is their publish request → broadcast → client, as they commit nothing.',
    "- **Commit → receive** (the app) = receive time − the earlier of two outside sightings of the commit, both after COMMIT returned in the app: the arrival of the publish request's answer (sent after the commit), and the commit's notification to a process of the benchmark's own that `LISTEN`s on the log's channel, a peer of the app's relay (Postgres sends one notification per committed transaction that wrote events, in commit order, once it is durable and visible; after the run the k-th stamp is matched with the k-th transaction, `xmin`, of the events written since). It excludes the REST request, the insert and the fsync; it may start up to about a millisecond after the COMMIT returned (so it can slightly understate). Nothing in the app is changed or asked. The raw and better-sse baselines commit nothing: their reference is the stamp they answer the publish request with, taken right before their broadcast loop. `publish → commit p99` in the run's log line is the app's REST handling up to the commit.",
    '- **Warm-up**: each run first publishes a few unmeasured events (10 in the full run) and waits until every stream has them, so every target is measured with its hot path already compiled; their order is still checked.',
    '- **CPU / delivery** = server process utime+stime (`/proc/<pid>/stat`) over the event phase (first measured publish → every stream has every event) ÷ deliveries; it includes handling the publish requests. For the app, the embedded Postgres (child processes) is shown separately.',
    '- **% sys** = share of that CPU spent in the kernel (stime): on loopback the socket writes (and much of the receiving side) are kernel work, about the same for every target; the rest is user-space (JS) cost per delivery.',
    '- **KB / idle stream** = (VmRSS with all streams open and idle − VmRSS before the first stream) ÷ streams, each read after 3 s of quiet, no forced GC.',
    "- **load avg** = the machine's 1-minute load average before and after the event phase: other processes on the machine (test runs) share these 2 CPUs, and every figure above (latency most) is inflated when it is above ~2.",
    '- Load clients are separate processes (one per 5,000 streams) reading with a bare `node:http` SSE parser; publishing is open-loop at the stated rate from the runner process; everything shares the same CPUs, on loopback.',
    `- Baselines: \`bench/baselines/raw-broadcaster.ts\` (one pre-serialised Buffer written to each socket), \`bench/baselines/better-sse-broadcaster.ts\` (the better-sse library: a Session per request, one Channel, \`broadcast\` per event) and \`bench/baselines/naive-nest-sse.ts\` (\`@Sse()\` + per-connection RxJS \`filter\`/\`map\`, per-client \`JSON.stringify\`); their events are customer-shaped JSON of about the app's size.`,
  ];
  if (options.quick)
    notes.unshift(
      '- **Quick run**: fewer streams and events than the targets name; the verdicts are indicative only.',
    );
  return [
    `## ${options.title}`,
    '',
    `- Command: \`${options.command}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${options.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (run took ${Math.round(options.durationSeconds)} s)`,
    '',
    resultsTable(results),
    '',
    `### Against the targets`,
    '',
    markdownTable(['target', 'measured', 'verdict'], verdictRows),
    '',
    ...notes,
  ].join('\n');
}
