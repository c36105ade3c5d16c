import { describe, expect, it } from '@jest/globals';
import { credentialProblems, isPlatform, toPlatformCredentials } from './channel-credentials.js';

describe('channel credentials', () => {
  it('accepts exactly the fields of each platform', () => {
    expect(
      credentialProblems('facebook', { appSecret: 'a', pageAccessToken: 'b', verifyToken: 'c' }),
    ).toEqual([]);
    expect(credentialProblems('zalo', { appId: 'a', oaSecretKey: 'b', accessToken: 'c' })).toEqual([]);
    expect(credentialProblems('tiktok', { appSecret: 'a', accessToken: 'b' })).toEqual([]);
  });

  it('lists every missing, empty, mistyped and unknown field', () => {
    expect(credentialProblems('facebook', { appSecret: '  ', pageAccessToken: 42, extra: 'x' })).toEqual([
      'credentials.appSecret must be a non-empty string',
      'credentials.pageAccessToken must be a non-empty string',
      'credentials.verifyToken is required for facebook',
      'credentials.extra should not exist for facebook',
    ]);
    expect(credentialProblems('tiktok', { appSecret: 'a', accessToken: 'x'.repeat(4097) })).toEqual([
      'credentials.accessToken must be at most 4096 characters',
    ]);
  });

  it('rejects what is not an object, and never repeats a value in a message', () => {
    for (const value of [null, 'secret', ['a'], 7])
      expect(credentialProblems('zalo', value)).toEqual(['credentials must be an object']);
    const problems = credentialProblems('zalo', {
      appId: 'TOP-SECRET-VALUE',
      oaSecretKey: '',
      accessToken: 5,
    });
    expect(problems.join(' ')).not.toContain('TOP-SECRET-VALUE');
  });

  it('keeps only the platform fields', () => {
    expect(toPlatformCredentials('tiktok', { appSecret: 'a', accessToken: 'b' })).toEqual({
      appSecret: 'a',
      accessToken: 'b',
    });
    expect(isPlatform('zalo')).toBe(true);
    expect(isPlatform('myspace')).toBe(false);
  });
});
