/** What the scanning reader takes from one frame: no payload is parsed. */
export interface ScannedFrame {
  /** The `id:` line as a number; NaN when there is none or it is not a number. */
  id: number;
  event: string;
  /** The integer after the sequence key in the (single) `data:` line; NaN when absent or data spans lines. */
  seq: number;
  retry: boolean;
}

const ID = 'id: ';
const EVENT = 'event: ';
const DATA = 'data: ';
const RETRY = 'retry: ';
/** Enough characters for any integer the benchmark numbers its messages with. */
const MAX_SEQ_CHARS = 16;

/**
 * A bare SSE reader for high event rates: it finds a frame's fields by their line prefixes and the sequence
 * number by its key (e.g. `seq\":` inside a JSON string field) without JSON-parsing the payload. It reads
 * the server's own framing (`field: value`, `\n` line ends); anything else shows up as a frame without id or
 * sequence number, which the caller counts as bad. Feed it text decoded as latin1: every byte it looks for is
 * ASCII, so a multi-byte character split across chunks cannot confuse it.
 */
export class SseSeqScanner {
  private buffer = '';

  constructor(
    private readonly seqKey: string,
    private readonly onFrame: (frame: ScannedFrame) => void,
  ) {}

  push(chunk: string): void {
    const text = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    let start = 0;
    let end = text.indexOf('\n\n');
    while (end !== -1) {
      this.scanBlock(text, start, end);
      start = end + 2;
      end = text.indexOf('\n\n', start);
    }
    this.buffer = start === 0 ? text : text.slice(start);
  }

  private scanBlock(text: string, start: number, end: number): void {
    const frame: ScannedFrame = { id: Number.NaN, event: 'message', seq: Number.NaN, retry: false };
    let dataLines = 0;
    let any = false;
    for (let line = start; line < end; ) {
      let lineEnd = text.indexOf('\n', line);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      if (text.startsWith(ID, line)) {
        frame.id = Number(text.slice(line + ID.length, lineEnd));
        any = true;
      } else if (text.startsWith(EVENT, line)) {
        frame.event = text.slice(line + EVENT.length, lineEnd);
      } else if (text.startsWith(RETRY, line)) {
        frame.retry = true;
        any = true;
      } else if (text.startsWith(DATA, line)) {
        dataLines += 1;
        any = true;
        const key = text.indexOf(this.seqKey, line);
        if (key !== -1 && key < lineEnd) {
          const digits = key + this.seqKey.length;
          frame.seq = Number.parseInt(text.slice(digits, Math.min(lineEnd, digits + MAX_SEQ_CHARS)), 10);
        }
      }
      line = lineEnd + 1;
    }
    if (dataLines > 1) frame.seq = Number.NaN;
    if (any) this.onFrame(frame);
  }
}
