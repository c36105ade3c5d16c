import type { Socket } from 'node:net';
import type { StreamAccess } from '../access/access.service.js';
import { END_OF_CHUNKS, encodeFrame, type EncodedFrame } from './sse-frames.js';
import type { StreamFilters } from './stream-filters.js';
import type { TakenSocket } from './stream-socket.js';

export type CloseReason = 'client' | 'slow_consumer' | 'token_expired' | 'access_changed' | 'shutdown' | 'error';

/** Placeholder until the registry gives a stream its user's live access (it sees nothing before). */
const UNASSIGNED_ACCESS: StreamAccess = Object.freeze({ userId: '', workspaceId: '', isAdmin: false, channelIds: new Set<string>() });

/**
 * One open event stream: who it is for, what it asked for, how far it has got, and its connection. Frames go
 * straight to the socket (taken over from the response once the head was sent): each is one shared Buffer,
 * already an HTTP/1.1 chunk, so a write is one call with no per-write work.
 */
export class StreamConnection {
  /** The user's live access, shared with their other streams; assigned by StreamRegistry.add. */
  access: StreamAccess = UNASSIGNED_ACCESS;
  /** False while the stream replays from its resume point; live events are written only once it is true. */
  live = false;
  closed = false;
  /** When the stream's unsent bytes first passed SSE_MAX_BUFFER_BYTES (0: they are below it). */
  overLimitSince = 0;
  /** Events with an id up to here have been offered to this stream (written or filtered out). */
  cursor = 0;
  readonly socket: Socket;
  private readonly chunked: boolean;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly workspaceId: string,
    readonly filters: StreamFilters,
    taken: TakenSocket,
    readonly expiresAt: number,
  ) {
    this.socket = taken.socket;
    this.chunked = taken.chunked;
  }

  /** Writes a frame; false once the socket buffers past its high-water mark. */
  write(frame: EncodedFrame): boolean {
    return this.socket.write(this.chunked ? frame.chunk : frame.frame);
  }

  /** Bytes written but not yet taken by the client's socket. */
  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  /** Ends the body (after one last frame, if given) and the connection. */
  end(lastFrame?: string): void {
    if (lastFrame !== undefined) this.write(encodeFrame(lastFrame));
    if (this.chunked) this.socket.end(END_OF_CHUNKS);
    else this.socket.end();
  }
}
