import { describe, expect, it } from '@jest/globals';
import { classifyTiktokError } from './tiktok-send-errors.js';

describe('classifyTiktokError', () => {
  it('retries rate limits, system errors and 5xx only', () => {
    expect(classifyTiktokError(200, { code: 40100, message: 'rate' }).retryable).toBe(true);
    expect(classifyTiktokError(200, { code: 51065, message: 'sys' }).retryable).toBe(true);
    expect(classifyTiktokError(500, null).retryable).toBe(true);
    for (const code of [40001, 40002, 40007, 40064, 40105, 40908, 12345])
      expect(classifyTiktokError(200, { code }).retryable).toBe(false);
  });

  it('describes the failure readably', () => {
    expect(classifyTiktokError(200, { code: 40105, message: 'Access token is invalid' }).detail).toBe(
      'the access token is invalid (Access token is invalid) [code 40105]',
    );
  });
});
