import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { StreamAccess } from '../access/access.service.js';
import type { EncodedFrame } from './sse-frames.js';
import type { StreamFilters } from './stream-filters.js';

export type CloseReason = 'client' | 'slow_consumer' | 'token_expired' | 'access_changed' | 'shutdown' | 'error';

/** Placeholder until the registry gives a stream its user's live access (it sees nothing before). */
const UNASSIGNED_ACCESS: StreamAccess = Object.freeze({ userId: '', workspaceId: '', isAdmin: false, channelIds: new Set<string>() });

/** One open event stream: who it is for, what it asked for, how far it has got, and its response. */
export class StreamConnection {
  /** The user's live access, shared with their other streams; assigned by StreamRegistry.add. */
  access: StreamAccess = UNASSIGNED_ACCESS;
  /** False while the stream replays from its resume point; live events are written only once it is true. */
  live = false;
  closed = false;
  /** When the stream's unsent bytes first passed SSE_MAX_BUFFER_BYTES (0: they are below it). */
  overLimitSince = 0;
  /** Events with an id up to here have been offered to this stream (written or filtered out). */
  cursor: number;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly workspaceId: string,
    readonly filters: StreamFilters,
    readonly response: ServerResponse,
    readonly expiresAt: number,
  ) {
    this.cursor = 0;
  }

  /**
   * The socket frames may be written to directly, as ready-made chunks: set once the response head has gone
   * out and the response is chunked with nothing buffered. Writing one shared Buffer straight to the socket
   * skips the per-write work of ServerResponse.write (chunk header, cork, next-tick uncork).
   */
  directSocket: Socket | null = null;

  /** Writes a frame; false once the socket buffers past its high-water mark. */
  write(frame: EncodedFrame): boolean {
    return this.directSocket ? this.directSocket.write(frame.chunk) : this.response.write(frame.frame);
  }

  /** Bytes written but not yet taken by the client's socket. */
  get unsentBytes(): number {
    return this.response.writableLength;
  }
}
