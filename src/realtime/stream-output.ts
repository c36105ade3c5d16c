import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RealtimeMetrics } from './realtime.metrics.js';
import { retryFrame, type EncodedFrame } from './sse-frames.js';
import type { CloseReason, StreamConnection } from './stream-connection.js';
import { StreamRegistry } from './stream-registry.js';

/**
 * A burst written in one tick (a relay batch) can put a healthy client over the limit for a moment: it is cut
 * only if it is still over the limit this long after, or at once past HARD_LIMIT_FACTOR times the limit.
 */
export const OVER_LIMIT_GRACE_MS = 1000;
const HARD_LIMIT_FACTOR = 4;

/** Writes frames to streams with back-pressure, cuts slow consumers, and closes streams. */
@Injectable()
export class StreamOutput {
  private readonly maxBufferBytes: number;

  constructor(
    private readonly registry: StreamRegistry,
    private readonly metrics: RealtimeMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxBufferBytes = config.sseMaxBufferBytes;
  }

  /** Outputs corked during the current relay batch (undefined: not in a batch). */
  private corked: Array<{ uncork(): void }> | undefined;

  /** From here to endBatch(), each stream's writes are held and go out as one socket write. */
  beginBatch(): void {
    this.corked ??= [];
  }

  get batching(): boolean {
    return this.corked !== undefined;
  }

  endBatch(): void {
    const corked = this.corked;
    this.corked = undefined;
    if (corked) for (const output of corked) output.uncork();
  }

  write(connection: StreamConnection, frame: EncodedFrame): void {
    if (this.corked) this.corkOnce(connection);
    // write() is false only once the socket buffers past its high-water mark: only then count the bytes.
    if (connection.write(frame)) return;
    const unsent = connection.unsentBytes;
    if (unsent <= this.maxBufferBytes) return;
    if (unsent > this.maxBufferBytes * HARD_LIMIT_FACTOR) this.close(connection, 'slow_consumer');
    else if (connection.overLimitSince === 0) connection.overLimitSince = Date.now();
  }

  private corkOnce(connection: StreamConnection): void {
    const output = connection.socket;
    if (output.writableCorked > 0) return;
    output.cork();
    this.corked!.push(output);
  }

  /** Slow-consumer verdict for a stream that went over the limit: cut if it has not drained within the grace. */
  checkOverLimit(connection: StreamConnection, now: number): boolean {
    if (connection.overLimitSince === 0) return false;
    if (connection.unsentBytes <= this.maxBufferBytes) {
      connection.overLimitSince = 0;
      return false;
    }
    if (now - connection.overLimitSince < OVER_LIMIT_GRACE_MS) return false;
    this.close(connection, 'slow_consumer');
    return true;
  }

  /** Whether a replaying stream should wait for its client before it writes more. */
  isHalfFull(connection: StreamConnection): boolean {
    return connection.unsentBytes > this.maxBufferBytes / 2;
  }

  close(connection: StreamConnection, reason: CloseReason, retryMs?: number): void {
    if (connection.closed) return;
    connection.closed = true;
    this.registry.remove(connection);
    this.metrics.openStreams.set(this.registry.openCount);
    const socket = connection.socket;
    if (reason === 'slow_consumer') {
      this.metrics.slowConsumerDisconnects.inc();
      socket.destroy();
    } else if (reason !== 'client' && !socket.writableEnded) {
      connection.end(retryMs === undefined ? undefined : retryFrame(retryMs));
    }
  }
}
