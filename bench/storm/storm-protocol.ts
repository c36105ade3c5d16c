/** Messages between the reconnect-storm runner and its load-client processes (IPC, structured clone). */

export interface StormOpenCommand {
  command: 'open';
  port: number;
  path: string;
  headers: Record<string, string>;
  streams: number;
  concurrency: number;
  /** Upper bound of benchmark events (sequence numbers 0..maxEvents-1). */
  maxEvents: number;
  /** Connection attempts one stream may make in the whole run (first connect included). */
  maxAttempts: number;
  /** Hard deadline of the whole client, whatever the runner does. */
  maxSeconds: number;
  timeoutMs: number;
}

/** Counts so far; `markerSeq` (≥ 0) asks how many streams have received that event. */
export interface StormStatusCommand {
  command: 'status';
  markerSeq: number;
}

export interface StormReportCommand {
  command: 'report';
}

export type StormClientCommand = StormOpenCommand | StormStatusCommand | StormReportCommand;

export interface StormOpenedReport {
  report: 'opened';
  opened: number;
  failed: number;
  errors: string[];
}

export interface StormStatusReport {
  report: 'status';
  streams: number;
  /** Streams currently connected (their `connected` frame arrived and the response has not ended). */
  connected: number;
  /** Streams that have received `markerSeq`. */
  haveMarker: number;
  /** Streams that stopped trying (attempt budget or deadline spent). */
  gaveUp: number;
}

export interface StormFinalReport {
  report: 'final';
  streams: number;
  maxEvents: number;
  /** receivedAt[stream * maxEvents + seq]: epoch ms of the first receipt, 0 when never received. */
  receivedAt: Float64Array;
  /** Event id each stream got for each seq (to compare with the log), same layout. */
  eventIds: Float64Array;
  duplicates: number;
  outOfOrder: number;
  badFrames: number;
  /** Epoch ms of every stream end the client did not ask for (server shutdown). */
  disconnects: Float64Array;
  /** Epoch ms of every `connected` frame after the first one of a stream (a reconnection). */
  reconnects: Float64Array;
  /** Per reconnection: the delay the client waited − the `retry:` it had been sent (ms, ≥ 0 when honoured). */
  retryHonourMs: Float64Array;
  /** `retry:` values received in the frame that ended a stream (the shutdown frame). */
  shutdownRetries: Float64Array;
  /** Connection attempts refused or failed (server still down), each retried after `retry:` again. */
  failedAttempts: number;
  /** `Last-Event-ID` resumes whose `connected` frame did not echo the id sent. */
  resumeMismatches: number;
  resyncs: number;
  gaveUp: number;
  errors: string[];
}

export type StormClientReport = StormOpenedReport | StormStatusReport | StormFinalReport;
