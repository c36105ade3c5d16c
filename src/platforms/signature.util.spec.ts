import { describe, expect, it } from '@jest/globals';
import { safeEqual, safeEqualHex } from '../common/safe-equal.js';
import { headerValue, hmacSha256Hex, sha256Hex } from './signature.util.js';

describe('signature utils', () => {
  it('computes HMAC-SHA256 and SHA-256 over concatenated parts', () => {
    expect(hmacSha256Hex('key', 'a', Buffer.from('b'))).toBe(hmacSha256Hex('key', 'ab'));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares digests case-insensitively and rejects anything else', () => {
    const digest = sha256Hex('x');
    expect(safeEqualHex(digest, digest)).toBe(true);
    expect(safeEqualHex(digest, digest.toUpperCase())).toBe(true);
    expect(safeEqualHex(digest, digest.slice(0, -1))).toBe(false);
    expect(safeEqualHex(digest, digest.slice(0, -1) + (digest.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(safeEqualHex(digest, '')).toBe(false);
    expect(safeEqualHex(digest, undefined)).toBe(false);
  });

  it('compares plain strings exactly', () => {
    expect(safeEqual('Token', 'Token')).toBe(true);
    expect(safeEqual('Token', 'token')).toBe(false);
    expect(safeEqual('Token', 'Token ')).toBe(false);
    expect(safeEqual('Token', undefined)).toBe(false);
  });

  it('reads the first value of a header, case-insensitively', () => {
    expect(headerValue({ 'x-a': ['1', '2'] }, 'X-A')).toBe('1');
    expect(headerValue({ 'x-a': '3' }, 'x-a')).toBe('3');
    expect(headerValue({}, 'x-a')).toBeUndefined();
  });
});
