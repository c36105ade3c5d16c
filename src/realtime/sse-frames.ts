/** Server-Sent Events frames (docs/realtime.md). Each ends with a blank line; data is one line of JSON. */

export function retryFrame(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}

export function eventFrame(id: number | string, type: string, dataJson: string): string {
  return `id: ${id}\nevent: ${type}\ndata: ${dataJson}\n\n`;
}

export function connectedFrame(connectionId: string, lastEventId: string, heartbeatMs: number, retryMs: number): string {
  return `retry: ${retryMs}\nevent: connected\ndata: ${JSON.stringify({ connectionId, lastEventId, heartbeatMs })}\n\n`;
}

/** A heartbeat carries, as id, the newest event id the stream has fully caught up to. */
export function pingFrame(caughtUpId: number, timestamp: number): string {
  return `id: ${caughtUpId}\nevent: ping\ndata: {"ts":${timestamp}}\n\n`;
}

export function resyncFrame(headId: number, reason: 'retention' | 'unknown_id'): string {
  return `id: ${headId}\nevent: resync\ndata: ${JSON.stringify({ reason, lastEventId: String(headId) })}\n\n`;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** The last chunk of a chunked body: the stream is over. */
export const END_OF_CHUNKS = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * A frame encoded once per process: the UTF-8 bytes already wrapped as one HTTP/1.1 chunk
 * (`<size hex>\r\n<frame>\r\n`), so that a stream can hand the very same Buffer to its socket in one call.
 */
export class EncodedFrame {
  constructor(
    /** The frame as one chunk of a chunked response. */
    readonly chunk: Buffer,
    private readonly frameStart: number,
  ) {}

  /** The bare frame (a view, no copy), for a response that is not chunked. */
  get frame(): Buffer {
    return this.chunk.subarray(this.frameStart, this.chunk.length - CRLF.length);
  }

  get byteLength(): number {
    return this.chunk.length;
  }
}

export function encodeFrame(text: string): EncodedFrame {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1');
  return new EncodedFrame(Buffer.concat([head, body, CRLF]), head.length);
}
