import { describe, expect, it } from '@jest/globals';
import { verifyZaloSignature, zaloSignature } from './zalo-signature.util.js';

const APP_ID = '360846524940903967';
const SECRET = 'test_zalo_oa_secret_key';
// Example Z1 of shared/platforms.md with its documented signature.
const Z1 =
  '{"app_id":"360846524940903967","sender":{"id":"246845883529197922"},"user_id_by_app":"552177279717587730","recipient":{"id":"388613280878808645"},"event_name":"user_send_text","message":{"text":"Xin chào shop","msg_id":"96d3cdf3af150460909"},"timestamp":"1717061839659"}';
const Z1_SIGNATURE = 'mac=f52ac92625fa06444bb49de7ba6734c4bcc8ccf140f7958aac1cf0b1773a4e76';

describe('zalo signature', () => {
  it('is SHA-256(app_id + raw body + timestamp + OA secret), matching the documented fixture', () => {
    expect(zaloSignature(APP_ID, Buffer.from(Z1), '1717061839659', SECRET)).toBe(Z1_SIGNATURE);
    expect(verifyZaloSignature(Buffer.from(Z1), Z1_SIGNATURE, APP_ID, '1717061839659', SECRET)).toBe(true);
  });

  it('accepts the value with or without the mac= prefix, in any case', () => {
    expect(verifyZaloSignature(Buffer.from(Z1), Z1_SIGNATURE.slice(4), APP_ID, '1717061839659', SECRET)).toBe(
      true,
    );
    expect(
      verifyZaloSignature(
        Buffer.from(Z1),
        Z1_SIGNATURE.toUpperCase().replace('MAC=', 'MAC='),
        APP_ID,
        '1717061839659',
        SECRET,
      ),
    ).toBe(true);
  });

  it('rejects another timestamp, secret, app id or body', () => {
    expect(verifyZaloSignature(Buffer.from(Z1), Z1_SIGNATURE, APP_ID, '1717061839660', SECRET)).toBe(false);
    expect(verifyZaloSignature(Buffer.from(Z1), Z1_SIGNATURE, APP_ID, '1717061839659', 'other')).toBe(false);
    expect(verifyZaloSignature(Buffer.from(Z1), Z1_SIGNATURE, '1', '1717061839659', SECRET)).toBe(false);
    expect(
      verifyZaloSignature(
        Buffer.from(Z1.replace('chào', 'chao')),
        Z1_SIGNATURE,
        APP_ID,
        '1717061839659',
        SECRET,
      ),
    ).toBe(false);
    expect(verifyZaloSignature(Buffer.from(Z1), undefined, APP_ID, '1717061839659', SECRET)).toBe(false);
  });
});
