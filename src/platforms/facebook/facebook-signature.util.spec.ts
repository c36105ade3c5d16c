import { describe, expect, it } from '@jest/globals';
import { facebookSignature, verifyFacebookSignature } from './facebook-signature.util.js';

const SECRET = 'test_meta_app_secret';
// Example M1 of shared/platforms.md with its documented signature.
const M1 =
  '{"object":"page","entry":[{"id":"102938475610293","time":1785312004871,"messaging":[{"sender":{"id":"7392015648120394"},"recipient":{"id":"102938475610293"},"timestamp":1785312004523,"message":{"mid":"m_AbC1dEf2GhI3jKl4MnO5pQ","text":"hello, world!"}}]}]}';
const M1_SIGNATURE = 'sha256=17551593d2798be2d4110f588401ff672f923580c1b7fd11cebb4bc06a056975';

describe('facebook signature', () => {
  it('matches the documented fixture', () => {
    expect(facebookSignature(M1, SECRET)).toBe(M1_SIGNATURE);
    expect(verifyFacebookSignature(Buffer.from(M1), M1_SIGNATURE, SECRET)).toBe(true);
  });

  it('verifies the escaped bytes Meta sends, not a re-serialisation', () => {
    const escaped = '{"text":"\\u00e4\\u00f6\\u00e5"}';
    const signature = facebookSignature(escaped, SECRET);
    expect(verifyFacebookSignature(Buffer.from(escaped), signature, SECRET)).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(escaped));
    expect(reserialised).toBe('{"text":"äöå"}');
    expect(verifyFacebookSignature(Buffer.from(reserialised), signature, SECRET)).toBe(false);
  });

  it('rejects a wrong secret, a changed body, a missing prefix or header', () => {
    expect(verifyFacebookSignature(Buffer.from(M1), M1_SIGNATURE, 'other')).toBe(false);
    expect(verifyFacebookSignature(Buffer.from(M1 + ' '), M1_SIGNATURE, SECRET)).toBe(false);
    expect(verifyFacebookSignature(Buffer.from(M1), M1_SIGNATURE.slice('sha256='.length), SECRET)).toBe(
      false,
    );
    expect(verifyFacebookSignature(Buffer.from(M1), undefined, SECRET)).toBe(false);
    expect(verifyFacebookSignature(Buffer.from(M1), 'sha1=abc', SECRET)).toBe(false);
  });
});
