import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../lib/spawn-node.js';
import { askWorker, stopWorker } from '../lib/worker-ipc.js';

const LISTENER_SCRIPT = fileURLToPath(new URL('./commit-listener.js', import.meta.url));
const ANSWER_TIMEOUT_MS = 30_000;
const EXIT_WAIT_MS = 5000;

export type CommitListenerCommand =
  { command: 'start'; databaseUrl: string } | { command: 'read'; field: string } | { command: 'stop' };

export type CommitListenerReport =
  | { report: 'started' }
  | { report: 'times'; seqs: number[]; committedAt: number[]; publishedAt: number[] }
  | { report: 'unmatched'; unmatched: string }
  | { report: 'failed'; error: string };

/** The events' stamps, by the sequence number of their benchmark payload `{t, seq}`. */
export interface CommitTimes {
  /** When the event's commit became known to a listener of the event log (epoch ms). */
  committedAt: Map<number, number>;
  /** The publish stamp `t` carried in the event (when the stamps come from a commit clock). */
  publishedAt?: Map<number, number>;
}

/**
 * When each event of a run was committed, seen from outside the app: a process of the benchmark's own holds a
 * LISTEN connection on the event log's channel, a peer of the app's relay, and stamps every notification as it
 * arrives. Postgres sends one notification per committed transaction that wrote events, in commit order, once
 * the commit is durable and visible, and the event log's lock makes commit order the id order; so the k-th
 * stamp belongs to the k-th transaction (xmin) among the events written after the clock started. The app is
 * neither changed nor asked: the stamp is the earliest moment its relay could know of the commit.
 */
export class CommitClock {
  private constructor(private readonly listener: ChildProcess) {}

  /** Start it while nothing is written: a commit between its LISTEN and its read of the head is not placed. */
  static async start(databaseUrl: string): Promise<CommitClock> {
    const clock = new CommitClock(spawnNode([LISTENER_SCRIPT], { ipc: true }));
    try {
      await clock.ask({ command: 'start', databaseUrl });
      return clock;
    } catch (error) {
      await clock.stop();
      throw error;
    }
  }

  /**
   * The commit stamp of every event written since the start whose `data[field]` is a benchmark payload, or
   * why the notifications cannot be matched with the transactions.
   */
  async read(field: string): Promise<CommitTimes | { unmatched: string }> {
    const answer = await this.ask({ command: 'read', field });
    if (answer.report === 'unmatched') return { unmatched: answer.unmatched };
    if (answer.report !== 'times') throw new Error(`commit clock answered ${answer.report}`);
    const committedAt = new Map<number, number>();
    const publishedAt = new Map<number, number>();
    answer.seqs.forEach((seq, index) => {
      committedAt.set(seq, answer.committedAt[index]);
      publishedAt.set(seq, answer.publishedAt[index]);
    });
    return { committedAt, publishedAt };
  }

  stop(): Promise<void> {
    return stopWorker(this.listener, { command: 'stop' } satisfies CommitListenerCommand, EXIT_WAIT_MS);
  }

  private async ask(command: CommitListenerCommand): Promise<CommitListenerReport> {
    const answer = await askWorker<CommitListenerReport>(this.listener, command, {
      label: 'commit clock',
      timeoutMs: ANSWER_TIMEOUT_MS,
    });
    if (answer.report === 'failed') throw new Error(`commit clock: ${answer.error}`);
    return answer;
  }
}

/**
 * Each event's commit stamp made the earlier of the clock's and the publisher's (both come after the commit:
 * the one nearer to it is the better reference).
 */
export function earliest(
  times: CommitTimes | { unmatched: string },
  answered: ReadonlyMap<number, number>,
): CommitTimes | { unmatched: string } {
  if ('unmatched' in times) return times;
  const committedAt = new Map(times.committedAt);
  for (const [seq, stamp] of answered) {
    const clocked = committedAt.get(seq);
    if (clocked !== undefined && stamp < clocked) committedAt.set(seq, stamp);
  }
  return { committedAt, publishedAt: times.publishedAt };
}

/** Commit → receive of every delivery (ascending), and how many deliveries had no commit stamp. */
export function commitToReceive(
  deliveries: Array<{ receivedAtMs: Float64Array; receivedSeqs: Int32Array }>,
  committedAt: ReadonlyMap<number, number>,
): { latenciesMs: Float64Array; unstamped: number } {
  const total = deliveries.reduce((sum, report) => sum + report.receivedAtMs.length, 0);
  const latencies = new Float64Array(total);
  let count = 0;
  for (const report of deliveries) {
    for (let index = 0; index < report.receivedAtMs.length; index += 1) {
      const committed = committedAt.get(report.receivedSeqs[index]);
      if (committed !== undefined) latencies[count++] = report.receivedAtMs[index] - committed;
    }
  }
  return { latenciesMs: latencies.subarray(0, count).sort(), unstamped: total - count };
}

/** Publish stamp → commit stamp of each event (ascending). */
export function publishToCommit(
  committedAt: ReadonlyMap<number, number>,
  publishedAt: ReadonlyMap<number, number>,
): Float64Array {
  const spans = [...committedAt].map(([seq, committed]) => committed - (publishedAt.get(seq) ?? committed));
  return Float64Array.from(spans).sort();
}
