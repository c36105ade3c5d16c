import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../lib/spawn-node.js';
import { askWorker, splitEvenly, stopWorker } from '../lib/worker-ipc.js';
import type {
  AwaitCommand,
  AwaitWarmupCommand,
  ClientCommand,
  ClientReport,
  DeliveryReport,
  OpenCommand,
  OpenedReport,
  WarmedUpReport,
} from './protocol.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./stream-client.js', import.meta.url));
const WORKER_EXIT_WAIT_MS = 5000;

/** Several load-client processes sharing the streams of one run; all talk to the runner over IPC. */
export class ClientPool {
  private readonly workers: ChildProcess[];

  constructor(processes: number) {
    this.workers = Array.from({ length: processes }, () => spawnNode([WORKER_SCRIPT], { ipc: true }));
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid ?? 0);
  }

  /** Opens `streams` streams spread evenly across the processes. */
  async open(command: Omit<OpenCommand, 'command'>): Promise<OpenedReport> {
    const shares = splitEvenly(command.streams, this.workers.length);
    const reports = await Promise.all(
      this.workers.map((worker, index) =>
        this.ask<OpenedReport>(
          worker,
          { command: 'open', ...command, streams: shares[index] },
          command.timeoutMs + 10_000,
        ),
      ),
    );
    return {
      report: 'opened',
      opened: sum(reports.map((r) => r.opened)),
      failed: sum(reports.map((r) => r.failed)),
      badHandshakes: sum(reports.map((r) => r.badHandshakes)),
      errors: reports.flatMap((r) => r.errors),
    };
  }

  /** Waits until every stream has every event (or the timeout), then gathers the checks and latencies. */
  async awaitDeliveries(command: Omit<AwaitCommand, 'command'>): Promise<DeliveryReport[]> {
    return Promise.all(
      this.workers.map((worker) =>
        this.ask<DeliveryReport>(worker, { command: 'await', ...command }, command.timeoutMs + 30_000),
      ),
    );
  }

  /** Waits until every stream has the warm-up events; returns how many streams have them. */
  async awaitWarmup(command: Omit<AwaitWarmupCommand, 'command'>): Promise<number> {
    const reports = await Promise.all(
      this.workers.map((worker) =>
        this.ask<WarmedUpReport>(worker, { command: 'awaitWarmup', ...command }, command.timeoutMs + 30_000),
      ),
    );
    return sum(reports.map((report) => report.ready));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map((worker) =>
        stopWorker(worker, { command: 'close' } satisfies ClientCommand, WORKER_EXIT_WAIT_MS),
      ),
    );
  }

  private ask<T extends ClientReport>(
    worker: ChildProcess,
    command: ClientCommand,
    timeoutMs: number,
  ): Promise<T> {
    return askWorker<T>(worker, command, { label: 'load client', timeoutMs });
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
