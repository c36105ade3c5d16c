import { canRefreshToken, givenTokenExpiry } from '../channel-credentials.js';
import type { ChannelStatus, Platform } from '../entities/channel.entity.js';

/** A token is renewed at the latest this long before it expires. */
export const REFRESH_LEAD_MS = 60 * 60 * 1000;
const FIRST_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;

/** The health columns a credentials write sets: fresh credentials make the channel active again. */
export interface CredentialHealth {
  status: ChannelStatus;
  statusReason: string | null;
  canRefreshToken: boolean;
  tokenExpiresAt: Date | null;
  tokenRefreshDueAt: Date | null;
  tokenRefreshFailures: number;
}

/**
 * When to renew a token that expires at `expiresAt`: an hour before, or halfway through a shorter life.
 * Unknown expiry: now, so the answer tells us the expiry.
 */
export function refreshDueAt(expiresAt: Date | null, now: Date): Date {
  if (!expiresAt) return now;
  const lifetime = expiresAt.getTime() - now.getTime();
  const lead = Math.min(REFRESH_LEAD_MS, Math.max(0, lifetime / 2));
  return new Date(expiresAt.getTime() - lead);
}

/** Backoff after `failures` refreshes in a row hit a timeout or 5xx (1-based): 1 s, 2 s, 4 s … at most 5 min. */
export function refreshRetryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, failures - 1));
}

export function healthForNewCredentials(
  platform: Platform,
  credentials: Record<string, unknown>,
  now: Date,
): CredentialHealth {
  const refreshable = canRefreshToken(platform, credentials);
  const tokenExpiresAt = givenTokenExpiry(credentials);
  return {
    status: 'active',
    statusReason: null,
    canRefreshToken: refreshable,
    tokenExpiresAt,
    tokenRefreshDueAt: refreshable ? refreshDueAt(tokenExpiresAt, now) : null,
    tokenRefreshFailures: 0,
  };
}
