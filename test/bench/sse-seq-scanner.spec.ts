import { SseSeqScanner, type ScannedFrame } from '../../bench/lib/sse-seq-scanner.js';
import { connectedFrame, eventFrame, pingFrame } from '../../src/realtime/sse-frames.js';

const CONTENT_KEY = '\\"seq\\":';

function scanAll(text: string, splitAt: number[] = []): ScannedFrame[] {
  const frames: ScannedFrame[] = [];
  const scanner = new SseSeqScanner(CONTENT_KEY, (frame) => frames.push(frame));
  let from = 0;
  for (const at of [...splitAt, text.length]) {
    scanner.push(text.slice(from, at));
    from = at;
  }
  return frames;
}

const message = (seq: number): string =>
  JSON.stringify({ id: 'm1', content: JSON.stringify({ seq }), sender: 'customer', note: 'Hà Nội "seq"' });

describe('SseSeqScanner (the ingest benchmark reader)', () => {
  const stream =
    connectedFrame('c1', '0', 15000, 3000) +
    eventFrame(41, 'new_message', message(7)) +
    pingFrame(41, 1) +
    ': comment\n\n' +
    eventFrame(42, 'new_message', message(-1));

  it('reads the handshake, ids, event types and sequence numbers without parsing the payload', () => {
    expect(scanAll(stream)).toEqual([
      { id: Number.NaN, event: 'connected', seq: Number.NaN, retry: true },
      { id: 41, event: 'new_message', seq: 7, retry: false },
      { id: 41, event: 'ping', seq: Number.NaN, retry: false },
      { id: 42, event: 'new_message', seq: -1, retry: false },
    ]);
  });

  it('gives the same frames however the text is cut into chunks', () => {
    const whole = scanAll(stream);
    for (let at = 1; at < stream.length; at++) expect(scanAll(stream, [at])).toEqual(whole);
  });

  it('finds no sequence number in a frame whose data spans lines or lacks the key', () => {
    const frames = scanAll(
      'id: 5\nevent: new_message\ndata: {"content":"{\\"seq\\":1}"}\ndata: more\n\n' +
        'id: 6\nevent: new_message\ndata: {"content":"hello"}\n\n',
    );
    expect(frames.map((frame) => frame.seq)).toEqual([Number.NaN, Number.NaN]);
    expect(frames.map((frame) => frame.id)).toEqual([5, 6]);
  });
});
