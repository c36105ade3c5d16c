import type { Agent } from 'node:http';
import type { PayloadShape } from '../client/protocol.js';
import type { ServerProcess } from '../lib/server-process.js';

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
  /** Produces one event carrying `{t, seq}`; resolves when the server accepted it. */
  publish(seq: number, agent: Agent): Promise<void>;
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
