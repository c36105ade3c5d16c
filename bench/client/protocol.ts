/** Messages between the benchmark runner and its load-client processes (IPC, structured clone). */

/** Where the publish timestamp and sequence number sit inside an event's `data`. */
export type PayloadShape =
  /** `data` is `{t, seq, ...}` (the baselines). */
  | 'data'
  /** `data` is a customer whose `notes` is the JSON string `{"t":...,"seq":...}` (the app). */
  | 'notes'
  /** `data` is a message whose `content` is the JSON string `{"t":...,"seq":...}` (the app, webhook ingest). */
  | 'content';

export interface OpenCommand {
  command: 'open';
  port: number;
  path: string;
  headers: Record<string, string>;
  streams: number;
  /** Streams whose connection is being set up at the same time. */
  concurrency: number;
  /** The domain event type carrying the benchmark payload; every other event type is ignored. */
  eventType: string;
  payloadShape: PayloadShape;
  /**
   * `json` (the default): parse each frame's `data` and read `{t, seq}` where `payloadShape` says.
   * `scan`: no JSON parsing: the id from the `id:` line and the sequence number found by its `"seq":` key in
   * the raw frame; the publish time comes from the sender (`AwaitCommand.sentAt`). Loss, duplicates and
   * order are checked the same way.
   */
  reader?: 'json' | 'scan';
  /** Upper bound of events this run publishes (sizes the per-stream bookkeeping). */
  maxEvents: number;
  timeoutMs: number;
}

export interface AwaitCommand {
  command: 'await';
  /** Number of events published (sequence numbers 0..events-1). */
  events: number;
  timeoutMs: number;
  /** With the `scan` reader: when each sequence number was sent (epoch ms), for the latencies. */
  sentAt?: Float64Array;
}

/** Waits until every stream has received `events` warm-up events (sequence number -1), which are not measured. */
export interface AwaitWarmupCommand {
  command: 'awaitWarmup';
  events: number;
  timeoutMs: number;
}

export interface CloseCommand {
  command: 'close';
}

export type ClientCommand = OpenCommand | AwaitCommand | AwaitWarmupCommand | CloseCommand;

export interface OpenedReport {
  report: 'opened';
  opened: number;
  failed: number;
  errors: string[];
  /** Streams whose first frame was not `retry:` + `event: connected`. */
  badHandshakes: number;
}

export interface DeliveryReport {
  report: 'delivered';
  streams: number;
  /** Streams that received every event exactly once, in strictly increasing id order. */
  completeStreams: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Frames whose data was not one line of valid JSON with the expected payload. */
  badFrames: number;
  /** Streams the server closed before the end of the run. */
  closedEarly: number;
  /** Same sequence number arrived with different ids on different streams. */
  idMismatches: number;
  /** Latest receive time of any event (epoch ms), 0 when none arrived. */
  lastReceivedAt: number;
  /** Receive time minus publish time, ms, one per delivery. */
  latenciesMs: Float64Array;
  /** Receive time (epoch ms) of each delivery, in the order of latenciesMs. */
  receivedAtMs: Float64Array;
  /** Sequence number of each delivery, in the order of latenciesMs (to match it with that event's commit). */
  receivedSeqs: Int32Array;
  errors: string[];
}

export interface WarmedUpReport {
  report: 'warmedUp';
  /** Streams that got every warm-up event in time. */
  ready: number;
}

export type ClientReport = OpenedReport | DeliveryReport | WarmedUpReport;
