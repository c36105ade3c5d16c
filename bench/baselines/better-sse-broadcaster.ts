/**
 * Baseline 3: the better-sse library as its documentation suggests using it: one Session per request, every
 * session registered with one Channel, `channel.broadcast(data, 'message', { eventId })` per published event
 * (the library serialises the frame per session), its own keep-alive timer per session.
 *
 *   GET  /stream   -> text/event-stream: `retry:` + `event: connected`, then `id/event/data` per published event
 *   POST /publish  -> JSON body, broadcast as `event: message` with the next id; answers {id, streams, broadcastAt}
 *                     (broadcastAt: epoch ms right before the broadcast, the benchmark's commit → receive reference)
 *   GET  /health   -> 200
 *
 * Run: PORT=4000 node dist/bench/baselines/better-sse-broadcaster.js
 */
import { createChannel, createSession } from 'better-sse';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const RETRY_MS = 3000;
const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000);
const MAX_PUBLISH_BODY_BYTES = 64 * 1024;

const channel = createChannel();
let lastEventId = 0;
let nextConnectionId = 0;

async function openStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  // retry: null, so the handshake frame carries `retry:` and `event: connected` together, as the app's does.
  const session = await createSession(req, res, {
    retry: null,
    keepAlive: HEARTBEAT_MS,
    headers: { 'x-accel-buffering': 'no' },
  });
  const connected = {
    connectionId: String(++nextConnectionId),
    lastEventId: String(lastEventId),
    heartbeatMs: HEARTBEAT_MS,
  };
  await session.batch((buffer) => {
    buffer.retry(RETRY_MS).event('connected').data(connected).dispatch();
  });
  channel.register(session);
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
    channel.broadcast(data, 'message', { eventId: String(id) });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: String(id), streams: channel.sessionCount, broadcastAt }));
  });
}

const server = createServer({ noDelay: true }, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/stream') {
    openStream(req, res).catch(() => res.destroy());
    return;
  }
  if (req.method === 'POST' && path === '/publish') return publish(req, res);
  if (req.method === 'GET' && path === '/health') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ streams: channel.sessionCount }));
    return;
  }
  res.writeHead(404).end();
});

function shutdown(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

const port = Number(process.env.PORT ?? 4000);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`better-sse-broadcaster listening on http://127.0.0.1:${port}\n`);
});
