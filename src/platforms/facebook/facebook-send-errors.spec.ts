import { describe, expect, it } from '@jest/globals';
import { classifyFacebookError } from './facebook-send-errors.js';

const error = (code: number, subcode?: number, message = 'msg') => ({
  error: { message, type: 'OAuthException', code, error_subcode: subcode, fbtrace_id: 'x' },
});

describe('classifyFacebookError', () => {
  it('retries temporary errors, rate limits and 5xx', () => {
    expect(classifyFacebookError(500, error(2)).retryable).toBe(true);
    expect(classifyFacebookError(400, error(4)).retryable).toBe(true);
    expect(classifyFacebookError(400, error(613)).retryable).toBe(true);
    expect(classifyFacebookError(503, null).retryable).toBe(true);
    expect(classifyFacebookError(429, null).retryable).toBe(true);
  });

  it('does not retry token, window, unavailable user or policy errors', () => {
    expect(classifyFacebookError(400, error(190, 1234567))).toEqual({
      retryable: false,
      detail: 'the page access token is invalid or expired (msg) [code 190/1234567]',
      problem: 'invalid_token',
    });
    expect(classifyFacebookError(400, error(10, 2018278)).detail).toContain(
      'outside the allowed messaging window',
    );
    expect(classifyFacebookError(400, error(10, 2018278)).retryable).toBe(false);
    expect(classifyFacebookError(400, error(10, 2018278)).problem).toBe('outside_window');
    expect(classifyFacebookError(400, error(10, 1893063)).problem).toBeUndefined();
    expect(classifyFacebookError(400, error(551)).retryable).toBe(false);
    expect(classifyFacebookError(400, error(10, 1893063)).retryable).toBe(false);
    expect(classifyFacebookError(400, null)).toEqual({ retryable: false, detail: 'HTTP 400' });
  });
});
