import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { StreamAccess } from '../access/access.service.js';
import type { EncodedFrame } from './sse-frames.js';
import type { StreamFilters } from './stream-filters.js';

export type CloseReason = 'client' | 'slow_consumer' | 'token_expired' | 'access_changed' | 'shutdown' | 'error';

/** One open event stream: who it is for, what it asked for, how far it has got, and its response. */
export class StreamConnection {
  /** False while the stream replays from its resume point; live events are written only once it is true. */
  live = false;
  closed = false;
  /** When the stream's unsent bytes first passed SSE_MAX_BUFFER_BYTES (0: they are below it). */
  overLimitSince = 0;
  /** Events with an id up to here have been offered to this stream (written or filtered out). */
  cursor: number;

  constructor(
    readonly id: string,
    readonly access: StreamAccess,
    readonly filters: StreamFilters,
    readonly response: ServerResponse,
    readonly expiresAt: number,
    startCursor: number,
  ) {
    this.cursor = startCursor;
  }

  /**
   * The socket frames may be written to directly, as ready-made chunks: set once the response head has gone
   * out and the response is chunked with nothing buffered. Writing one shared Buffer straight to the socket
   * skips the per-write work of ServerResponse.write (chunk header, cork, next-tick uncork).
   */
  directSocket: Socket | null = null;

  get userId(): string {
    return this.access.userId;
  }

  get workspaceId(): string {
    return this.access.workspaceId;
  }

  /** Writes a frame; false once the socket buffers past its high-water mark. */
  write(frame: EncodedFrame): boolean {
    return this.directSocket ? this.directSocket.write(frame.chunk) : this.response.write(frame.frame);
  }

  /** Bytes written but not yet taken by the client's socket. */
  get unsentBytes(): number {
    return this.response.writableLength;
  }
}
