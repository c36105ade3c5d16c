/**
 * Baseline 1: the fastest plain-Node design we know. A raw `node:http` server keeps every open stream in a Set
 * and writes ONE pre-serialised frame (one shared Buffer per event) to each socket; one shared heartbeat timer.
 *
 *   GET  /stream   -> text/event-stream: `retry:` + `event: connected`, then `id/event/data` per published event
 *   POST /publish  -> JSON body, broadcast as `event: message` with the next id; answers {id, streams, broadcastAt}
 *                     (broadcastAt: epoch ms right before the broadcast, the benchmark's commit → receive reference)
 *   GET  /health   -> 200
 *
 * Run: PORT=4000 node dist/bench/baselines/raw-broadcaster.js
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const RETRY_MS = 3000;
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);
const MAX_PUBLISH_BODY_BYTES = 64 * 1024;

/**
 * `BENCH_INJECT_FAULTS=1` (used only by `bench/self-check.ts`): the event with seq 3 is not sent and the one
 * with seq 5 is sent twice, to prove the load client's loss/duplicate/order checks can fail.
 */
const INJECT_FAULTS = process.env.BENCH_INJECT_FAULTS === '1';
const DROPPED_SEQ = 3;
const DUPLICATED_SEQ = 5;

function faultFor(data: unknown): 'drop' | 'duplicate' | undefined {
  const seq = (data as { seq?: unknown } | null)?.seq;
  if (seq === DROPPED_SEQ) return 'drop';
  if (seq === DUPLICATED_SEQ) return 'duplicate';
  return undefined;
}

const streams = new Set<ServerResponse>();
let lastEventId = 0;
let nextConnectionId = 0;

function openStream(req: IncomingMessage, res: ServerResponse): void {
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  const connected = {
    connectionId: String(++nextConnectionId),
    lastEventId: String(lastEventId),
    heartbeatMs: HEARTBEAT_MS,
  };
  res.write(`retry: ${RETRY_MS}\nevent: connected\ndata: ${JSON.stringify(connected)}\n\n`);
  streams.add(res);
  res.once('close', () => streams.delete(res));
}

function broadcast(frame: Buffer): void {
  for (const res of streams) res.write(frame);
}

function publish(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_PUBLISH_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.once('end', () => {
    let data: unknown;
    try {
      data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"body must be JSON"}');
      return;
    }
    const id = ++lastEventId;
    const broadcastAt = performance.timeOrigin + performance.now();
    // Serialised once, shared by every socket.
    const frame = Buffer.from(`id: ${id}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`);
    const fault = INJECT_FAULTS ? faultFor(data) : undefined;
    if (fault !== 'drop') broadcast(frame);
    if (fault === 'duplicate') broadcast(frame);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: String(id), streams: streams.size, broadcastAt }));
  });
}

const server = createServer({ noDelay: true }, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/stream') return openStream(req, res);
  if (req.method === 'POST' && path === '/publish') return publish(req, res);
  if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ streams: streams.size }));
    return;
  }
  res.writeHead(404).end();
});

const heartbeat = setInterval(() => {
  broadcast(Buffer.from(`id: ${lastEventId}\nevent: ping\ndata: {"ts":${Date.now()}}\n\n`));
}, HEARTBEAT_MS);

function shutdown(): void {
  clearInterval(heartbeat);
  for (const res of streams) res.end();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

const port = Number(process.env.PORT ?? 4000);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`raw-broadcaster listening on http://127.0.0.1:${port}\n`);
});
