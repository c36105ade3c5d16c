import http from 'node:http';
import { StringDecoder } from 'node:string_decoder';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  raw: string;
}

export interface SseReader {
  status: number;
  headers: http.IncomingHttpHeaders;
  frames: SseFrame[];
  /** Every byte received, decoded as UTF-8. */
  text: () => string;
  /**
   * Each read from the socket as it came (HTTP chunk framing included), as latin1 text: frames the server wrote
   * in one socket write arrive in one read (the response's 'data' events split them per HTTP chunk).
   */
  socketReads: () => string[];
  /** Durable domain events only (no connected/ping/resync/retry-only frames, no ephemeral events). */
  events: () => SseFrame[];
  waitFor: (predicate: (frames: SseFrame[]) => boolean, timeoutMs?: number) => Promise<SseFrame[]>;
  ended: Promise<void>;
  close: () => void;
}

/** Frames that are not durable domain events: the stream's own, and ephemeral events (no id, never replayed). */
const CONTROL_EVENTS = new Set(['connected', 'ping', 'resync', 'agent_activity', 'presence_changed']);

export function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = { raw };
  for (const line of raw.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'retry') frame.retry = Number(value);
  }
  return frame;
}

/**
 * Cuts decoded SSE text into raw frames (blocks ending with a blank line), keeping an incomplete frame for the
 * next chunk. Feed it text from one decoder per response (StringDecoder or setEncoding), never per chunk.
 */
export function frameSplitter(onFrame: (raw: string) => void): (text: string) => void {
  let pending = '';
  return (text) => {
    pending += text;
    let boundary: number;
    while ((boundary = pending.indexOf('\n\n')) !== -1) {
      onFrame(pending.slice(0, boundary));
      pending = pending.slice(boundary + 2);
    }
  };
}

/**
 * A raw node:http SSE reader: keeps the exact bytes and headers so tests can check the wire format.
 * Resolves once the response head arrives (any status); the body of a non-200 answer is in text().
 */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const socketReads: Buffer[] = [];
    const request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      const frames: SseFrame[] = [];
      const split = frameSplitter((raw) => frames.push(parseFrame(raw)));
      // A multi-byte character may be split across two chunks: decode the stream, not each chunk.
      const decoder = new StringDecoder('utf8');
      const waiters: Array<() => void> = [];
      const notify = () => waiters.splice(0).forEach((wake) => wake());
      const ended = new Promise<void>((resolveEnded) => {
        response.on('close', () => {
          notify();
          resolveEnded();
        });
      });
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        split(decoder.write(chunk));
        notify();
      });
      response.on('error', () => undefined);
      const reader: SseReader = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        frames,
        text: () => Buffer.concat(chunks).toString('utf8'),
        socketReads: () => socketReads.map((read) => read.toString('latin1')),
        events: () => frames.filter((frame) => frame.event !== undefined && !CONTROL_EVENTS.has(frame.event)),
        ended,
        waitFor: (predicate, timeoutMs = 10_000) =>
          new Promise((resolveWait, rejectWait) => {
            const deadline = setTimeout(() => rejectWait(new Error(`timed out waiting for frames; got ${frames.length}: ${JSON.stringify(frames.map((f) => f.raw)).slice(0, 2000)}`)), timeoutMs);
            const check = () => {
              if (predicate(frames)) {
                clearTimeout(deadline);
                resolveWait(frames);
              } else if (response.destroyed || response.readableEnded) {
                clearTimeout(deadline);
                rejectWait(new Error(`stream ended before the expected frames; got: ${JSON.stringify(frames.map((f) => f.raw)).slice(0, 2000)}`));
              } else {
                waiters.push(check);
              }
            };
            check();
          }),
        close: () => {
          request.destroy();
          response.destroy();
        },
      };
      resolve(reader);
    });
    request.on('socket', (socket) => socket.on('data', (read: Buffer) => socketReads.push(read)));
    request.on('error', reject);
  });
}
