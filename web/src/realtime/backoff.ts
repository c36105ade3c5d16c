/** First reconnect waits about a second; each failure doubles it up to half a minute. */
export const RECONNECT_BASE_DELAY_MS = 1_000;
export const RECONNECT_MAX_DELAY_MS = 30_000;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of min(max, base·2ⁿ), so a
 * server restart is not met by every agent's browser at the same instant, yet no retry comes too soon.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
