/**
 * `npm run build && node dist/bench/self-check.js`: proves the benchmark's integrity checks can fail.
 * Runs the raw broadcaster once cleanly and once with injected faults (one event dropped, one sent twice)
 * and exits non-zero unless the clean run is reported clean and the faulty one is caught on every stream.
 */
import { runStreamScenario, type StreamScenario } from './stream/stream-benchmark.js';
import { faultyRawBroadcasterTarget, rawBroadcasterTarget } from './targets/baseline-targets.js';

const scenario: StreamScenario = { streams: 20, events: 10, eventsPerSecond: 20, warmupEvents: 2 };
const log = (line: string): void => void process.stdout.write(`${line}\n`);

const clean = await runStreamScenario(rawBroadcasterTarget(), scenario, log);
const faulty = await runStreamScenario(faultyRawBroadcasterTarget(), scenario, log);

const checks: [string, boolean][] = [
  ['clean run: nothing lost', clean.lost === 0],
  ['clean run: no duplicate', clean.duplicates === 0],
  ['clean run: in order', clean.outOfOrder === 0],
  ['faulty run: the dropped event is missing on every stream', faulty.lost === scenario.streams],
  ['faulty run: the doubled event is a duplicate on every stream', faulty.duplicates === scenario.streams],
  ['faulty run: the doubled id is out of order on every stream', faulty.outOfOrder === scenario.streams],
];
for (const [name, ok] of checks) log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
log(
  `clean: ${JSON.stringify({ lost: clean.lost, duplicates: clean.duplicates, outOfOrder: clean.outOfOrder, failed: clean.failed })}`,
);
log(
  `faulty: ${JSON.stringify({ lost: faulty.lost, duplicates: faulty.duplicates, outOfOrder: faulty.outOfOrder, failed: faulty.failed })}`,
);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
