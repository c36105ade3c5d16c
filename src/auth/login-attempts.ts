import { Injectable } from '@nestjs/common';
import { RateLimitedError } from '../common/errors/domain-errors.js';

const FAILED_LOGINS_PER_EMAIL = 10;
const EMAIL_WINDOW_MS = 15 * 60 * 1000;
const ATTEMPTS_PER_ADDRESS = 100;
const ADDRESS_WINDOW_MS = 60 * 1000;
const MAX_TRACKED_KEYS = 100_000;

interface Window {
  startedAt: number;
  count: number;
}

/** Fixed-window counters, dropped when their window has passed. */
class WindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0 when it is under its limit. */
  retryAfterMs(key: string, now: number): number {
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) return 0;
    return window.count >= this.limit ? window.startedAt + this.windowMs - now : 0;
  }

  hit(key: string, now: number): void {
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size >= MAX_TRACKED_KEYS) this.evictExpired(now);
      this.windows.set(key, { startedAt: now, count: 1 });
    } else {
      window.count += 1;
    }
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}

/**
 * Brute-force guard (docs/api.md): more than 10 failed logins for one email in 15 minutes, or more than 100
 * failed logins and signups from one address in a minute, answer 429 with Retry-After. Successful logins do
 * not count, so many users behind one address (an office) do not block each other.
 */
@Injectable()
export class LoginAttempts {
  private readonly byEmail = new WindowCounter(FAILED_LOGINS_PER_EMAIL, EMAIL_WINDOW_MS);
  private readonly byAddress = new WindowCounter(ATTEMPTS_PER_ADDRESS, ADDRESS_WINDOW_MS);

  assertAllowed(address: string, email?: string): void {
    const now = Date.now();
    const wait = Math.max(this.byAddress.retryAfterMs(address, now), email ? this.byEmail.retryAfterMs(email, now) : 0);
    if (wait > 0) {
      throw new RateLimitedError('Too many attempts, try again later', Math.ceil(wait / 1000));
    }
  }

  recordFailure(address: string, email?: string): void {
    const now = Date.now();
    this.byAddress.hit(address, now);
    if (email) this.byEmail.hit(email, now);
  }

  recordSuccess(email: string): void {
    this.byEmail.clear(email);
  }
}
