import { describe, expect, it } from '@jest/globals';
import type { RelayedEvent } from './relayed-event.js';
import { RecentEvents } from './recent-events.js';
import { encodeFrame } from './sse-frames.js';

function event(id: number): RelayedEvent {
  return {
    id,
    type: 'customer_created',
    workspaceId: 'w',
    channelId: null,
    conversationId: null,
    userId: null,
    dataJson: '{}',
    createdAt: 0,
    frame: encodeFrame(`id: ${id}\n\n`),
  };
}

describe('RecentEvents', () => {
  it('covers nothing before the first event, then every later event', () => {
    const recent = new RecentEvents(10);
    expect(recent.range(0, 100)).toBeNull();
    for (const id of [5, 6, 9]) recent.push(event(id));
    expect(recent.range(4, 9)?.map((e) => e.id)).toEqual([5, 6, 9]);
    expect(recent.range(5, 8)?.map((e) => e.id)).toEqual([6]);
    expect(recent.range(3, 9)).toBeNull(); // id 4 may exist and was never held
  });

  it('evicts the oldest beyond its capacity and no longer claims to cover them', () => {
    const recent = new RecentEvents(3);
    for (let id = 1; id <= 5000; id++) recent.push(event(id));
    expect(recent.size).toBe(3);
    expect(recent.range(4997, 5000)?.map((e) => e.id)).toEqual([4998, 4999, 5000]);
    expect(recent.range(4996, 5000)).toBeNull();
  });

  it('evicts by bytes too', () => {
    const one = event(1).frame.byteLength + 2;
    const recent = new RecentEvents(1000, one * 2);
    for (let id = 1; id <= 10; id++) recent.push(event(id));
    expect(recent.size).toBeLessThanOrEqual(2);
    expect(recent.range(9, 10)?.map((e) => e.id)).toEqual([10]);
  });
});

describe('encodeFrame', () => {
  it('wraps the UTF-8 bytes as one HTTP/1.1 chunk and exposes the bare frame', () => {
    const frame = encodeFrame('data: é\n\n');
    expect(frame.chunk.toString('latin1')).toBe(`a\r\n${Buffer.from('data: é\n\n').toString('latin1')}\r\n`);
    expect(frame.frame.toString('utf8')).toBe('data: é\n\n');
  });
});
