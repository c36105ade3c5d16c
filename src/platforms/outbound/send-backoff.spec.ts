import { describe, expect, it } from '@jest/globals';
import { retryDelayMs } from './send-backoff.js';

describe('retryDelayMs', () => {
  it('doubles per attempt within the jitter band and is capped', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, () => 0)).toBe(3200);
    expect(retryDelayMs(3, () => 1)).toBe(4800);
    expect(retryDelayMs(30, () => 0.5)).toBe(60_000);
  });
});
