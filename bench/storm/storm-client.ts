/**
 * Load-client process for the reconnect storm: many SSE streams that behave like a browser
 * `EventSource`: remember the last `id:` and the last `retry:`, and when the server ends the stream (or a
 * connection attempt fails while it is down) wait exactly that `retry:` and reconnect with `Last-Event-ID`.
 * Every benchmark event's first receipt is timestamped per stream, duplicates and id order are checked.
 * Driven by its parent over IPC; never in the server's process; loopback only; attempts and time are bounded.
 */
import { request, type ClientRequest } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { SseFrameParser, type SseFrame } from '../lib/sse-frame-parser.js';
import { epochMs } from '../lib/stats.js';
import type { StormClientCommand, StormClientReport, StormOpenCommand } from './storm-protocol.js';

const MAX_ERRORS_REPORTED = 5;
const DEFAULT_RETRY_MS = 3000;
const MAX_SAMPLES = 200_000;

interface Stream {
  index: number;
  request: ClientRequest | undefined;
  connected: boolean;
  everConnected: boolean;
  lastId: string;
  retryMs: number;
  attempts: number;
  /** When the current wait for a reconnection started and how long it was meant to be. */
  waitStartedAt: number;
  waitMs: number;
  lastEventNumericId: number;
  gaveUp: boolean;
  sentLastEventId: string | undefined;
}

let config: StormOpenCommand | undefined;
let streams: Stream[] = [];
let receivedAt = new Float64Array(0);
let eventIds = new Float64Array(0);
let duplicates = 0;
let outOfOrder = 0;
let badFrames = 0;
let failedAttempts = 0;
let resumeMismatches = 0;
let resyncs = 0;
let deadline = 0;
let finished = false;
const disconnects: number[] = [];
const reconnects: number[] = [];
const retryHonour: number[] = [];
const shutdownRetries: number[] = [];
const errors: string[] = [];

function noteError(message: string): void {
  if (errors.length < MAX_ERRORS_REPORTED) errors.push(message);
}

function push(list: number[], value: number): void {
  if (list.length < MAX_SAMPLES) list.push(value);
}

function onFrame(stream: Stream, frame: SseFrame, at: number): void {
  if (frame.retry !== undefined && /^\d+$/.test(frame.retry)) stream.retryMs = Number(frame.retry);
  if (frame.id !== undefined) stream.lastId = frame.id;
  if (frame.event === 'connected') {
    if (stream.everConnected) {
      push(reconnects, at);
      // The wait before the attempt that succeeded, against the retry the stream had been sent.
      push(retryHonour, stream.waitStartedAt > 0 ? stream.waitMs - stream.retryWhenWaiting : 0);
      try {
        const data = JSON.parse(frame.data) as { lastEventId?: string };
        if (stream.sentLastEventId !== undefined && String(data.lastEventId) !== stream.sentLastEventId)
          resumeMismatches += 1;
      } catch {
        badFrames += 1;
      }
    }
    stream.connected = true;
    stream.everConnected = true;
    return;
  }
  if (frame.event === 'resync') {
    resyncs += 1;
    return;
  }
  if (frame.event !== 'customer_created') return;
  const id = Number(frame.id);
  let seq = -2;
  try {
    const customer = JSON.parse(frame.data) as { notes?: string };
    seq = (JSON.parse(String(customer.notes)) as { seq?: number }).seq ?? -2;
  } catch {
    // counted below
  }
  if (!Number.isSafeInteger(id) || seq < 0 || seq >= config!.maxEvents) {
    badFrames += 1;
    noteError(`bad frame: ${JSON.stringify(frame).slice(0, 160)}`);
    return;
  }
  if (id <= stream.lastEventNumericId) outOfOrder += 1;
  stream.lastEventNumericId = Math.max(stream.lastEventNumericId, id);
  const slot = stream.index * config!.maxEvents + seq;
  if (receivedAt[slot] !== 0) {
    duplicates += 1;
    return;
  }
  receivedAt[slot] = at;
  eventIds[slot] = id;
}

// The retry a stream had when its current wait began (a retry frame may not change it meanwhile, but be exact).
interface Stream {
  retryWhenWaiting: number;
}

function scheduleReconnect(stream: Stream): void {
  if (finished) return;
  if (stream.attempts >= config!.maxAttempts || Date.now() + stream.retryMs > deadline) {
    stream.gaveUp = true;
    return;
  }
  stream.waitStartedAt = epochMs();
  stream.retryWhenWaiting = stream.retryMs;
  const planned = stream.retryMs;
  setTimeout(() => {
    stream.waitMs = epochMs() - stream.waitStartedAt;
    void connect(stream);
  }, planned);
  stream.waitMs = planned;
}

/** One connection attempt; resolves true when the `connected` frame arrived. */
function connect(stream: Stream): Promise<boolean> {
  if (finished) return Promise.resolve(false);
  stream.attempts += 1;
  const cfg = config!;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok: boolean): void => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const headers: Record<string, string> = { accept: 'text/event-stream', ...cfg.headers };
    stream.sentLastEventId = stream.everConnected ? stream.lastId : undefined;
    if (stream.sentLastEventId !== undefined) headers['last-event-id'] = stream.sentLastEventId;
    let ended = false;
    const onEnd = (why: string, failedAttempt: boolean): void => {
      if (ended) return;
      ended = true;
      const wasConnected = stream.connected;
      stream.connected = false;
      stream.request = undefined;
      if (finished) return;
      if (wasConnected) push(disconnects, epochMs());
      if (failedAttempt) {
        failedAttempts += 1;
        if (!stream.everConnected) noteError(`first connect failed: ${why}`);
      }
      settle(false);
      scheduleReconnect(stream);
    };
    const req = request(
      { host: '127.0.0.1', port: cfg.port, path: cfg.path, method: 'GET', agent: false, headers },
      (res) => {
        if (res.statusCode !== 200) {
          noteError(`stream answered ${res.statusCode}`);
          res.resume();
          req.destroy();
          onEnd(`status ${res.statusCode}`, true);
          return;
        }
        const decoder = new StringDecoder('utf8');
        let lastRetryInStream: number | undefined;
        const parser = new SseFrameParser((frame) => {
          const wasConnected = stream.connected;
          if (frame.retry !== undefined) lastRetryInStream = Number(frame.retry);
          onFrame(stream, frame, chunkAt);
          if (!wasConnected && stream.connected) settle(true);
        });
        let chunkAt = 0;
        res.on('data', (chunk: Buffer) => {
          chunkAt = epochMs();
          parser.push(decoder.write(chunk));
        });
        res.once('close', () => {
          if (stream.connected && lastRetryInStream !== undefined) push(shutdownRetries, lastRetryInStream);
          onEnd('closed', !stream.connected);
        });
      },
    );
    stream.request = req;
    req.once('error', (error) => onEnd(error.message, !stream.connected));
    req.end();
  });
}

async function open(command: StormOpenCommand): Promise<void> {
  config = command;
  deadline = Date.now() + command.maxSeconds * 1000;
  receivedAt = new Float64Array(command.streams * command.maxEvents);
  eventIds = new Float64Array(command.streams * command.maxEvents);
  streams = Array.from({ length: command.streams }, (_, index) => ({
    index,
    request: undefined,
    connected: false,
    everConnected: false,
    lastId: '0',
    retryMs: DEFAULT_RETRY_MS,
    attempts: 0,
    waitStartedAt: 0,
    waitMs: 0,
    lastEventNumericId: 0,
    gaveUp: false,
    sentLastEventId: undefined,
    retryWhenWaiting: DEFAULT_RETRY_MS,
  }));
  let next = 0;
  let opened = 0;
  const openDeadline = Date.now() + command.timeoutMs;
  const lane = async (): Promise<void> => {
    while (next < streams.length && Date.now() < openDeadline) {
      const stream = streams[next++];
      if (await connect(stream)) opened += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, streams.length) }, lane));
  send({ report: 'opened', opened, failed: command.streams - opened, errors: [...errors] });
  // Bounded in time whatever the runner does.
  setTimeout(() => process.exit(0), Math.max(0, deadline - Date.now()) + 60_000).unref();
}

function send(report: StormClientReport): void {
  process.send!(report);
}

process.on('message', (message: StormClientCommand) => {
  switch (message.command) {
    case 'open':
      void open(message);
      break;
    case 'status': {
      let connected = 0;
      let haveMarker = 0;
      let gaveUp = 0;
      for (const stream of streams) {
        if (stream.connected) connected += 1;
        if (stream.gaveUp) gaveUp += 1;
        if (message.markerSeq >= 0 && receivedAt[stream.index * config!.maxEvents + message.markerSeq] !== 0)
          haveMarker += 1;
      }
      send({ report: 'status', streams: streams.length, connected, haveMarker, gaveUp });
      break;
    }
    case 'report': {
      finished = true;
      for (const stream of streams) stream.request?.destroy();
      send({
        report: 'final',
        streams: streams.length,
        maxEvents: config?.maxEvents ?? 0,
        receivedAt,
        eventIds,
        duplicates,
        outOfOrder,
        badFrames,
        disconnects: Float64Array.from(disconnects),
        reconnects: Float64Array.from(reconnects),
        retryHonourMs: Float64Array.from(retryHonour),
        shutdownRetries: Float64Array.from(shutdownRetries),
        failedAttempts,
        resumeMismatches,
        resyncs,
        gaveUp: streams.filter((s) => s.gaveUp).length,
        errors,
      });
      break;
    }
  }
});
process.once('disconnect', () => process.exit(0));
