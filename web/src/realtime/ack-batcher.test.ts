import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACK_BATCH_DELAY_MS, ACK_BATCH_MAX_EVENTS, AckBatcher } from './ack-batcher';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('AckBatcher', () => {
  it('sends one ack with the newest id per batch window', async () => {
    const send = vi.fn(async () => undefined);
    const acks = new AckBatcher(send);
    acks.note('1');
    acks.note('2');
    acks.note('3');
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(ACK_BATCH_DELAY_MS);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith('3', false);
    await vi.advanceTimersByTimeAsync(ACK_BATCH_DELAY_MS * 5);
    expect(send).toHaveBeenCalledTimes(1); // idle: nothing more
  });

  it('sends at once when a batch is full, and flushes with keepalive on dispose', () => {
    const send = vi.fn(async () => undefined);
    const acks = new AckBatcher(send);
    for (let id = 1; id <= ACK_BATCH_MAX_EVENTS; id += 1) acks.note(String(id));
    expect(send).toHaveBeenCalledWith(String(ACK_BATCH_MAX_EVENTS), false);
    acks.note('99');
    acks.dispose();
    expect(send).toHaveBeenLastCalledWith('99', true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
