/** Reports one user may make per window (the contract: 5 a second). */
export const MAX_REPORTS_PER_WINDOW = 5;
export const RATE_WINDOW_MS = 1000;

/**
 * A sliding one-second window of report times per user, in this process. Returns 0 when the report may go,
 * else the milliseconds until it could. Entries of users who stopped reporting are dropped as they age out.
 */
export class ActivityRateLimiter {
  private readonly reports = new Map<string, number[]>();

  take(userId: string, now: number): number {
    const recent = (this.reports.get(userId) ?? []).filter((time) => time > now - RATE_WINDOW_MS);
    if (recent.length >= MAX_REPORTS_PER_WINDOW) {
      this.reports.set(userId, recent);
      return recent[0] + RATE_WINDOW_MS - now;
    }
    recent.push(now);
    this.reports.set(userId, recent);
    return 0;
  }

  /** Forgets users whose reports have all aged out. */
  sweep(now: number): void {
    for (const [userId, times] of this.reports) {
      if (times[times.length - 1] <= now - RATE_WINDOW_MS) this.reports.delete(userId);
    }
  }
}
