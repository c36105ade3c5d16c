/** One parsed Server-Sent Events frame (only the fields the benchmark needs). */
export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
  retry: string | undefined;
}

/**
 * Incremental SSE parser: feed it decoded text chunks, it calls `onFrame` for each complete frame
 * (a block ending with a blank line). Comment lines (`:`) are skipped; several `data:` lines are joined with `\n`.
 * Kept deliberately small: the load client runs thousands of these per process.
 */
export class SseFrameParser {
  private buffer = '';

  constructor(private readonly onFrame: (frame: SseFrame) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parseBlock(block);
      end = this.buffer.indexOf('\n\n');
    }
  }

  /** Bytes received but not yet forming a whole frame. */
  get pendingLength(): number {
    return this.buffer.length;
  }

  private parseBlock(block: string): void {
    let id: string | undefined;
    let event = 'message';
    let data: string | undefined;
    let retry: string | undefined;
    for (const rawLine of block.split('\n')) {
      const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      switch (field) {
        case 'id':
          id = value;
          break;
        case 'event':
          event = value;
          break;
        case 'data':
          data = data === undefined ? value : `${data}\n${value}`;
          break;
        case 'retry':
          retry = value;
          break;
        default:
          break;
      }
    }
    if (data === undefined && retry === undefined && id === undefined) return;
    this.onFrame({ id, event, data: data ?? '', retry });
  }
}
