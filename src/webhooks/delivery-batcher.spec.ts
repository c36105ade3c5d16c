import { describe, expect, it } from '@jest/globals';
import { DeliveryBatcher } from './delivery-batcher.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryBatcher', () => {
  it('runs the first delivery at once and groups those that arrive meanwhile', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new DeliveryBatcher<number, string>(async (inputs) => {
      groups.push(inputs);
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return inputs.map((input) => `done ${input}`);
    });
    const first = batcher.submit(1);
    await tick();
    const rest = [2, 3, 4].map((input) => batcher.submit(input));
    await tick();
    release();
    expect(await first).toBe('done 1');
    expect(await Promise.all(rest)).toEqual(['done 2', 'done 3', 'done 4']);
    expect(groups).toEqual([[1], [2, 3, 4]]);
    await batcher.idle();
  });

  it('replays a failed group one by one, so only the bad delivery fails', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new DeliveryBatcher<number, number>(async (inputs) => {
      groups.push(inputs);
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
      if (inputs.includes(13)) throw new Error('bad delivery');
      return inputs;
    });
    const first = batcher.submit(0);
    await tick();
    const outcomes = [12, 13, 14].map((input) =>
      batcher.submit(input).then(String, (error: Error) => error.message),
    );
    await tick();
    release();
    await first;
    expect(await Promise.all(outcomes)).toEqual(['12', 'bad delivery', '14']);
    expect(groups).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });

  it('caps the group size', async () => {
    const sizes: number[] = [];
    const batcher = new DeliveryBatcher<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      await tick();
      return inputs;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((input) => batcher.submit(input)));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });
});
