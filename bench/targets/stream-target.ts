import type { Agent } from 'node:http';
import type { PayloadShape } from '../client/protocol.js';
import type { ServerProcess } from '../lib/server-process.js';
import type { CommitClock } from '../stream/commit-clock.js';

/** Something the stream benchmark can start, stream from and publish into. */
export interface StreamTarget {
  /** Short key used on the command line (`--targets=app,raw,naive`). */
  readonly key: 'app' | 'raw' | 'naive' | 'better-sse';
  /** Name in the report. */
  readonly label: string;
  readonly eventType: string;
  readonly payloadShape: PayloadShape;
  /**
   * Starts a fresh server process and makes it ready to stream. Returns why the target cannot be measured
   * (for example: the app's stream is not built yet) instead of throwing for that case.
   */
  start(): Promise<{ server: ServerProcess } | { skipped: string }>;
  /** Path and headers of one stream request (after start). */
  streamRequest(): { path: string; headers: Record<string, string> };
  /**
   * Produces one event carrying `{t, seq}`; resolves when the server accepted it, with the server's own stamp
   * (epoch ms) of the moment it started sending the event out, when it answers one (the baselines: they commit
   * nothing, so that moment is their commit).
   */
  publish(seq: number, agent: Agent): Promise<number | void>;
  /**
   * For a server that commits its events to a database before streaming them: a clock of those commits, started
   * while nothing is written (after start).
   */
  startCommitClock?(): Promise<CommitClock>;
  /** Stops the server and removes anything the target created (temp dirs). */
  stop(): Promise<void>;
  /** Removes what the target keeps between runs (the app's temporary DATA_DIR). */
  dispose?(): void;
}

/** Publish-time stamp (epoch ms with fraction), the latency reference carried in every event. */
export interface BenchPayload {
  t: number;
  seq: number;
}
