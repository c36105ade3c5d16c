/**
 * Load-client process: opens many SSE streams with a bare `node:http` reader (the `eventsource` package is too
 * heavy for 10k streams), parses frames, timestamps every event on arrival and checks each stream for order,
 * loss and duplicates. Driven by its parent over IPC (see protocol.ts); never run in the server's process.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { SseFrameParser, type SseFrame } from '../lib/sse-frame-parser.js';
import { SseSeqScanner, type ScannedFrame } from '../lib/sse-seq-scanner.js';
import { epochMs, sleep } from '../lib/stats.js';
import type {
  AwaitCommand,
  AwaitWarmupCommand,
  ClientCommand,
  ClientReport,
  OpenCommand,
  PayloadShape,
} from './protocol.js';

const MAX_ERRORS_REPORTED = 5;
/** Sequence number of the unmeasured events published before the measured ones (JIT warm-up). */
const WARMUP_SEQ = -1;
const AWAIT_POLL_MS = 20;

interface StreamState {
  request: ClientRequest;
  response: IncomingMessage | undefined;
  handshakeSeen: boolean;
  lastId: number;
  received: number;
  warmupReceived: number;
  seen: Uint8Array;
  /** With the `scan` reader: when each sequence number arrived (epoch ms), turned into latencies at the end. */
  receivedAt: Float64Array | undefined;
  closed: boolean;
}

/** What a frame carries once read, by either reader. */
interface ReadFrame {
  id: number;
  event: string;
  retry: boolean;
  /** Undefined when the frame has no readable payload. */
  payload: { t: number; seq: number } | undefined;
}

const streams: StreamState[] = [];

/**
 * Chunks are only timestamped when they arrive and parsed later in the same loop turn (setImmediate), so the
 * receive time of the thousandth socket read in one poll does not include parsing the 999 before it.
 */
interface PendingChunk {
  chunk: Buffer;
  receivedAt: number;
  push: (chunk: Buffer) => void;
  setTime: (time: number) => void;
}
let pending: PendingChunk[] = [];
let parseScheduled = false;

function parsePending(): void {
  parseScheduled = false;
  const batch = pending;
  pending = [];
  for (const item of batch) {
    item.setTime(item.receivedAt);
    item.push(item.chunk);
  }
}
const errors: string[] = [];
let settings: OpenCommand | undefined;
let latencies = new Float64Array(0);
let receivedAts = new Float64Array(0);
let receivedSeqs = new Int32Array(0);
let latencyCount = 0;
let duplicates = 0;
let outOfOrder = 0;
let badFrames = 0;
let badHandshakes = 0;
let idMismatches = 0;
let lastReceivedAt = 0;
/** Event id seen for each sequence number (first stream wins), to check every stream got the same id. */
let idBySeq = new Float64Array(0);

function noteError(message: string): void {
  if (errors.length < MAX_ERRORS_REPORTED) errors.push(message);
}

function send(report: ClientReport): void {
  process.send!(report);
}

function readPayload(data: string, shape: PayloadShape): { t: number; seq: number } | undefined {
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    const payload = (shape === 'data' ? parsed : JSON.parse(String(parsed[shape]))) as Record<
      string,
      unknown
    >;
    if (typeof payload.t !== 'number' || typeof payload.seq !== 'number') return undefined;
    return { t: payload.t, seq: payload.seq };
  } catch {
    return undefined;
  }
}

function parsedFrame(frame: SseFrame, config: OpenCommand): ReadFrame {
  const payload =
    frame.event !== config.eventType || frame.data.includes('\n')
      ? undefined
      : readPayload(frame.data, config.payloadShape);
  return { id: Number(frame.id), event: frame.event, retry: frame.retry !== undefined, payload };
}

/** The scanning reader has no publish time: 0 here, the sender's send time replaces it at the end. */
function scannedFrame(frame: ScannedFrame): ReadFrame {
  return {
    id: frame.id,
    event: frame.event,
    retry: frame.retry,
    payload: Number.isSafeInteger(frame.seq) ? { t: 0, seq: frame.seq } : undefined,
  };
}

/** Where the sequence key sits: inside a JSON string field its quotes are escaped. */
const seqKey = (shape: PayloadShape): string => (shape === 'data' ? '"seq":' : '\\"seq\\":');

function onFrame(state: StreamState, frame: ReadFrame, receivedAt: number, config: OpenCommand): void {
  if (!state.handshakeSeen) {
    state.handshakeSeen = true;
    if (!frame.retry || frame.event !== 'connected') badHandshakes += 1;
    return;
  }
  if (frame.event !== config.eventType) return;
  const id = frame.id;
  const payload = frame.payload;
  if (payload && payload.seq === WARMUP_SEQ && Number.isSafeInteger(id)) {
    // Warm-up events are only checked for order.
    if (id <= state.lastId) outOfOrder += 1;
    state.lastId = Math.max(state.lastId, id);
    state.warmupReceived += 1;
    return;
  }
  if (!payload || !Number.isSafeInteger(id) || payload.seq < 0 || payload.seq >= config.maxEvents) {
    badFrames += 1;
    noteError(`bad frame: ${JSON.stringify(frame).slice(0, 200)}`);
    return;
  }
  if (id <= state.lastId) outOfOrder += 1;
  state.lastId = Math.max(state.lastId, id);
  if (state.seen[payload.seq] === 1) {
    duplicates += 1;
    return;
  }
  state.seen[payload.seq] = 1;
  state.received += 1;
  if (idBySeq[payload.seq] === 0) idBySeq[payload.seq] = id;
  else if (idBySeq[payload.seq] !== id) idMismatches += 1;
  if (receivedAt > lastReceivedAt) lastReceivedAt = receivedAt;
  if (state.receivedAt) {
    state.receivedAt[payload.seq] = receivedAt;
    return;
  }
  recordLatency(receivedAt - payload.t, receivedAt, payload.seq);
}

function recordLatency(latency: number, receivedAt: number, seq: number): void {
  if (latencyCount >= latencies.length) return;
  latencies[latencyCount] = latency;
  receivedAts[latencyCount] = receivedAt;
  receivedSeqs[latencyCount] = seq;
  latencyCount += 1;
}

function openOne(config: OpenCommand): Promise<boolean> {
  return new Promise((resolve) => {
    const state: StreamState = {
      request: undefined as unknown as ClientRequest,
      response: undefined,
      handshakeSeen: false,
      lastId: 0,
      received: 0,
      warmupReceived: 0,
      seen: new Uint8Array(config.maxEvents),
      receivedAt: config.reader === 'scan' ? new Float64Array(config.maxEvents) : undefined,
      closed: false,
    };
    let settled = false;
    let currentChunkTime = 0;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      if (ok) streams.push(state);
      resolve(ok);
    };
    const handle = (frame: ReadFrame): void => {
      const wasOpen = state.handshakeSeen;
      onFrame(state, frame, currentChunkTime, config);
      if (!wasOpen) settle(true);
    };
    const push = chunkReader(config, handle);
    state.request = request(
      {
        host: '127.0.0.1',
        port: config.port,
        path: config.path,
        method: 'GET',
        agent: false,
        headers: { accept: 'text/event-stream', ...config.headers },
      },
      (res) => {
        state.response = res;
        if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
          noteError(`stream answered ${res.statusCode} ${String(res.headers['content-type'])}`);
          res.resume();
          state.request.destroy();
          settle(false);
          return;
        }
        if (res.headers['content-encoding'])
          noteError(`stream is compressed: ${res.headers['content-encoding']}`);
        const setTime = (time: number): void => {
          currentChunkTime = time;
        };
        res.on('data', (chunk: Buffer) => {
          pending.push({ chunk, receivedAt: epochMs(), push, setTime });
          if (!parseScheduled) {
            parseScheduled = true;
            setImmediate(parsePending);
          }
        });
        res.once('close', () => {
          state.closed = true;
          settle(false);
        });
      },
    );
    state.request.once('error', (error) => {
      state.closed = true;
      noteError(`stream error: ${error.message}`);
      settle(false);
    });
    state.request.end();
  });
}

/** Feeds one stream's chunks to the configured reader. */
function chunkReader(config: OpenCommand, handle: (frame: ReadFrame) => void): (chunk: Buffer) => void {
  if (config.reader === 'scan') {
    const scanner = new SseSeqScanner(seqKey(config.payloadShape), (frame) => handle(scannedFrame(frame)));
    return (chunk) => scanner.push(chunk.toString('latin1'));
  }
  const decoder = new StringDecoder('utf8');
  const parser = new SseFrameParser((frame) => handle(parsedFrame(frame, config)));
  return (chunk) => parser.push(decoder.write(chunk));
}

async function openAll(config: OpenCommand): Promise<void> {
  settings = config;
  latencies = new Float64Array(config.streams * config.maxEvents);
  receivedAts = new Float64Array(latencies.length);
  receivedSeqs = new Int32Array(latencies.length);
  idBySeq = new Float64Array(config.maxEvents);
  let next = 0;
  let opened = 0;
  let failed = 0;
  const deadline = Date.now() + config.timeoutMs;
  const lane = async (): Promise<void> => {
    while (next < config.streams && Date.now() < deadline) {
      next += 1;
      if (await openOne(config)) opened += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.streams) }, lane));
  send({
    report: 'opened',
    opened,
    failed: failed + (config.streams - opened - failed),
    errors,
    badHandshakes,
  });
}

async function awaitDeliveries(command: AwaitCommand): Promise<void> {
  const deadline = Date.now() + command.timeoutMs;
  const done = (): boolean => streams.every((state) => state.received >= command.events || state.closed);
  while (!done() && Date.now() < deadline) await sleep(AWAIT_POLL_MS);
  let completeStreams = 0;
  let delivered = 0;
  let lost = 0;
  let closedEarly = 0;
  for (const state of streams) {
    delivered += state.received;
    lost += command.events - state.received;
    if (state.closed) closedEarly += 1;
    if (state.received === command.events) completeStreams += 1;
  }
  const clean = outOfOrder === 0 && duplicates === 0;
  if (command.sentAt) latenciesFromSendTimes(command.sentAt);
  send({
    report: 'delivered',
    streams: streams.length,
    completeStreams: clean ? completeStreams : 0,
    delivered,
    lost,
    duplicates,
    outOfOrder,
    badFrames,
    closedEarly,
    idMismatches,
    lastReceivedAt,
    latenciesMs: latencies.slice(0, latencyCount),
    receivedAtMs: receivedAts.slice(0, latencyCount),
    receivedSeqs: receivedSeqs.slice(0, latencyCount),
    errors,
  });
}

/** The scanning reader's latencies: each stream's arrival time of a sequence number minus its send time. */
function latenciesFromSendTimes(sentAt: Float64Array): void {
  latencyCount = 0;
  for (const state of streams) {
    if (!state.receivedAt) continue;
    for (let seq = 0; seq < sentAt.length; seq++) {
      if (state.seen[seq] === 1)
        recordLatency(state.receivedAt[seq] - sentAt[seq], state.receivedAt[seq], seq);
    }
  }
}

async function awaitWarmup(command: AwaitWarmupCommand): Promise<void> {
  const deadline = Date.now() + command.timeoutMs;
  const ready = (): number => streams.filter((state) => state.warmupReceived >= command.events).length;
  while (ready() < streams.length && Date.now() < deadline) await sleep(AWAIT_POLL_MS);
  send({ report: 'warmedUp', ready: ready() });
}

function closeAll(): void {
  for (const state of streams) state.request.destroy();
  process.exit(0);
}

process.on('message', (message: ClientCommand) => {
  switch (message.command) {
    case 'open':
      void openAll(message);
      break;
    case 'await':
      if (!settings) throw new Error('await before open');
      void awaitDeliveries(message);
      break;
    case 'awaitWarmup':
      void awaitWarmup(message);
      break;
    case 'close':
      closeAll();
      break;
  }
});
process.once('disconnect', () => process.exit(0));
