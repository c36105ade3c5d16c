import { describe, expect, it } from '@jest/globals';
import { healthForNewCredentials, refreshDueAt, refreshRetryDelayMs } from './token-schedule.js';

const now = new Date('2026-03-10T12:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('token schedule', () => {
  it('renews an hour before expiry, or halfway through a shorter life', () => {
    expect(refreshDueAt(later(25 * 3600_000), now)).toEqual(later(24 * 3600_000));
    expect(refreshDueAt(later(10_000), now)).toEqual(later(5_000));
    expect(refreshDueAt(later(-1000), now)).toEqual(later(-1000));
    expect(refreshDueAt(null, now)).toEqual(now);
  });

  it('backs off exponentially up to five minutes', () => {
    expect([1, 2, 3, 12].map(refreshRetryDelayMs)).toEqual([1000, 2000, 4000, 300_000]);
  });

  it('schedules a refresh only with the refresh credentials', () => {
    const expiresAt = '2026-03-11T12:00:00.000Z';
    expect(
      healthForNewCredentials('zalo', { appId: 'a', oaSecretKey: 'b', accessToken: 'c', accessTokenExpiresAt: expiresAt }, now),
    ).toEqual({
      status: 'active',
      statusReason: null,
      canRefreshToken: false,
      tokenExpiresAt: new Date(expiresAt),
      tokenRefreshDueAt: null,
      tokenRefreshFailures: 0,
    });
    const refreshable = healthForNewCredentials(
      'tiktok',
      { appSecret: 's', accessToken: 't', appId: 'k', refreshToken: 'r', accessTokenExpiresAt: expiresAt },
      now,
    );
    expect(refreshable.canRefreshToken).toBe(true);
    expect(refreshable.tokenRefreshDueAt).toEqual(new Date('2026-03-11T11:00:00.000Z'));
  });
});
