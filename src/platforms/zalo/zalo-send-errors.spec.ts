import { describe, expect, it } from '@jest/globals';
import { classifyZaloError } from './zalo-send-errors.js';

describe('classifyZaloError', () => {
  it('retries rate limits and server errors only', () => {
    expect(classifyZaloError(200, { error: -32, message: 'Exceed rate limit' }).retryable).toBe(true);
    expect(classifyZaloError(502, null).retryable).toBe(true);
    for (const code of [-216, -220, -230, -213, -224, -201, -244, -999])
      expect(classifyZaloError(200, { error: code, message: 'm' }).retryable).toBe(false);
  });

  it('describes the failure readably', () => {
    expect(classifyZaloError(200, { error: -216, message: 'Access token is invalid' }).detail).toBe(
      'the OA access token is invalid (Access token is invalid) [error -216]',
    );
    expect(classifyZaloError(200, { error: -230 }).detail).toBe(
      'the user has not interacted with the OA in the past 7 days [error -230]',
    );
  });
});
