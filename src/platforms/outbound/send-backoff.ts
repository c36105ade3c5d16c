/** Bounded retries with exponential backoff and jitter for transient send failures. */
export const MAX_SEND_ATTEMPTS = 5;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;
const JITTER = 0.2;

/** Delay before the next attempt after `attempts` failed ones (1-based), ±20 % jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}
