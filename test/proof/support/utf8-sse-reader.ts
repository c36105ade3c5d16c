import http from 'node:http';
import { parseFrame, type SseFrame } from '../../support/sse-reader.js';

export interface Utf8SseReader {
  status: number;
  frames: SseFrame[];
  /** Domain events only (no connected/ping/resync frames). */
  events: () => SseFrame[];
  waitFor: (predicate: (frames: SseFrame[]) => boolean, timeoutMs?: number) => Promise<SseFrame[]>;
  close: () => void;
}

const CONTROL_EVENTS = new Set(['connected', 'ping', 'resync']);

/**
 * A raw node:http SSE reader that decodes the byte stream as one UTF-8 stream (setEncoding), so a character
 * split across two TCP chunks is decoded correctly — unlike decoding each chunk on its own.
 */
export function openUtf8Sse(url: string, headers: Record<string, string>): Promise<Utf8SseReader> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const frames: SseFrame[] = [];
      const waiters = new Set<() => void>();
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        let boundary: number;
        while ((boundary = pending.indexOf('\n\n')) !== -1) {
          frames.push(parseFrame(pending.slice(0, boundary)));
          pending = pending.slice(boundary + 2);
        }
        for (const wake of [...waiters]) wake();
      });
      response.on('error', () => undefined);
      response.on('close', () => {
        for (const wake of [...waiters]) wake();
      });
      resolve({
        status: response.statusCode ?? 0,
        frames,
        events: () => frames.filter((frame) => frame.event !== undefined && !CONTROL_EVENTS.has(frame.event)),
        waitFor: (predicate, timeoutMs = 10_000) =>
          new Promise((resolveWait, rejectWait) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectWait(new Error(`timed out waiting for frames (have ${frames.length})`));
            }, timeoutMs);
            function check(): void {
              if (predicate(frames)) {
                clearTimeout(timer);
                waiters.delete(check);
                resolveWait(frames);
              } else if (response.destroyed) {
                clearTimeout(timer);
                waiters.delete(check);
                rejectWait(new Error('stream ended before the expected frames'));
              }
            }
            waiters.add(check);
            check();
          }),
        close: () => {
          request.destroy();
          response.destroy();
        },
      });
    });
    request.on('error', reject);
  });
}
