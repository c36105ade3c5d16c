import { resolve } from 'node:path';
import { countFlag, COMMON_FLAGS, commonOptions, readFlags, type FlagSpec } from '../lib/bench-args.js';
import { machineDescription, markdownTable, replaceSection } from '../lib/benchmarks-md.js';
import { runStreamScenario, type StreamRunResult, type StreamScenario } from '../stream/stream-benchmark.js';
import { AppTarget } from '../targets/app-target.js';
import { ActivityAppTarget } from './activity-target.js';

export interface ActivityCommandOptions {
  quick: boolean;
  write: boolean;
  streams: number;
  agents: number;
}

const FLAGS = { ...COMMON_FLAGS, streams: { type: 'string' }, agents: { type: 'string' } } satisfies FlagSpec;
const TYPING_INTERVAL_MS = 3000;
const READING =
  'Reading it: a 3 s repeat against a 6 s TTL leaves 3 s of the announced copy, less than the next gap plus the 1250 ms delivery margin, so each report is still forwarded (coalescing drops only faster repeats); 100 agents then make about 33 `agent_activity` frames a second for the 1,000 streams, held until the next durable event (at most 750 ms) and written in its socket write, so they add bytes, not writes. The rest of the higher CPU per durable delivery is the 33 report requests a second themselves (HTTP, auth, validation). Durable delivery stays lossless and in order.';

export function parseActivityArgs(argv: string[]): ActivityCommandOptions {
  const values = readFlags(argv, FLAGS);
  return { ...commonOptions(values), streams: countFlag(values, 'streams') ?? 1000, agents: countFlag(values, 'agents') ?? 100 };
}

function row(result: StreamRunResult): string[] {
  const fixed = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
  return [
    result.label,
    String(result.opened ?? '–'),
    `${result.delivered ?? '–'} / ${result.expectedDeliveries ?? '–'}`,
    String(result.lost ?? '–'),
    fixed(result.p50Ms),
    fixed(result.p99Ms),
    fixed(result.cpuMicrosPerDelivery),
    fixed(result.childCpuMicrosPerDelivery),
    fixed(result.cpuPercent, 0),
    result.failed ?? result.skipped ?? '',
  ];
}

/** The same durable load with and without typing agents, back to back on the same machine. */
export async function runActivityCommand(options: ActivityCommandOptions, commandLine: string): Promise<boolean> {
  const scenario: StreamScenario = options.quick
    ? { streams: options.streams, events: 60, eventsPerSecond: 10, warmupEvents: 5 }
    : { streams: options.streams, events: 200, eventsPerSecond: 10, warmupEvents: 10 };
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const plain = new AppTarget();
  const typing = new ActivityAppTarget({ agents: options.agents, intervalMs: TYPING_INTERVAL_MS });
  log(`without activity: ${scenario.streams} streams, ${scenario.events} events at ${scenario.eventsPerSecond}/s`);
  const without = await runStreamScenario(plain, scenario, log);
  plain.dispose();
  log(`with ${options.agents} agents typing every ${TYPING_INTERVAL_MS / 1000} s`);
  const withActivity = await runStreamScenario(typing, scenario, log);
  typing.dispose();
  const results = [without, withActivity];
  const table = markdownTable(
    ['run', 'streams', 'delivered', 'lost', 'p50 ms', 'p99 ms', 'server µs CPU / delivery', 'Postgres µs / delivery', 'server CPU %', 'note'],
    results.map(row),
  );
  log(table);
  log(`activity reports accepted: ${typing.reports}, refused: ${typing.refused}, failed (timed out): ${typing.failed}`);
  const split = costSplit(without, withActivity, options, scenario);
  log(split);
  if (options.write) {
    replaceSection(
      resolve('BENCHMARKS.md'),
      'activity',
      [
        '## Agent activity under durable load',
        '',
        `Command: \`${commandLine}\` — ${new Date().toISOString()}, ${machineDescription()}. The machine was shared with other work; read differences of a few percent as noise.`,
        '',
        `Durable \`customer_created\` events to ${scenario.streams} admin streams, ${scenario.events} events at ${scenario.eventsPerSecond}/s; in the second run ${options.agents} agents also report \`typing\` on one conversation every ${TYPING_INTERVAL_MS / 1000} s (${typing.reports} reports accepted, ${typing.refused} refused, ${typing.failed} timed out). Every stream can see that conversation, so each announced report is an \`agent_activity\` frame to every stream. "CPU / delivery" counts durable deliveries only, so the activity work shows up as a higher figure.`,
        '',
        table,
        '',
        split,
        '',
        READING,
      ].join('\n'),
    );
  }
  return results.every((result) => !result.failed && (result.lost ?? 0) === 0);
}

/** Server CPU over the event phase (µs), from the per-delivery figure. */
function phaseCpu(result: StreamRunResult): number {
  return (result.cpuMicrosPerDelivery ?? Number.NaN) * (result.delivered ?? 0);
}

/**
 * What the activity costs, and what the "within 10 %" target leaves it: the extra server CPU per second of
 * the typing run, per report and per `agent_activity` frame (every stream sees every announced report),
 * against 10 % of the durable work of the run without activity.
 */
function costSplit(without: StreamRunResult, withActivity: StreamRunResult, options: ActivityCommandOptions, scenario: StreamScenario): string {
  // Both phases deliver the same durable events; the typing run's phase may last longer (activity flows at a
  // rate, durable work is a count), so the difference is spread over the typing run's phase.
  const extra = (phaseCpu(withActivity) - phaseCpu(without)) / (withActivity.eventPhaseSeconds ?? Number.NaN);
  const reportsPerSecond = options.agents / (TYPING_INTERVAL_MS / 1000);
  const framesPerSecond = reportsPerSecond * scenario.streams;
  const budget = (0.1 * phaseCpu(without)) / (without.eventPhaseSeconds ?? Number.NaN);
  const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
  return markdownTable(
    ['figure', 'value'],
    [
      ['extra server CPU with activity', `${fixed(extra / 1000)} ms/s (${fixed(extra / 1e4)} % of a core)`],
      ['reports / s, `agent_activity` frames / s (every stream sees each)', `${fixed(reportsPerSecond)} · ${fixed(framesPerSecond, 0)}`],
      ['extra CPU per report · per frame', `${fixed(extra / reportsPerSecond, 0)} µs · ${fixed(extra / framesPerSecond, 2)} µs`],
      ['10 % of the durable CPU of the run without activity', `${fixed(budget / 1000)} ms/s = ${fixed(budget / framesPerSecond, 2)} µs per frame`],
    ],
  );
}
