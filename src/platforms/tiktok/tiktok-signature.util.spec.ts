import { describe, expect, it } from '@jest/globals';
import { tiktokSignature, verifyTiktokSignature } from './tiktok-signature.util.js';

const SECRET = 'test_tiktok_app_secret';
// Example T1 of shared/platforms.md (JSON.stringify of the documented envelope) with its documented signature.
const T1 = JSON.stringify({
  client_key: 'aw_test_client_key',
  event: 'im_receive_msg',
  create_time: 1700000001,
  user_openid: 'biz_open_id_123',
  content:
    '{"from":"someuser","to":"acmebrand","unique_identifier":"user_open_id_789","from_user":{"id":"user_open_id_789","role":"personal_account"},"to_user":{"id":"biz_open_id_123","role":"business_account"},"conversation_id":"conv+AbC123==","timestamp":1700000000000,"message_id":"msg_1","type":"text","text":{"body":"hello there"},"scene_type":0,"is_follower":false,"message_tag":{"source":"APP"}}',
});
const T1_SIGNATURE = 't=1700000001,s=9ab80903a50779915de13786cf7ba0ceba6b3cc95c541775d28ef3ecdd3cbf1b';
const AT_T1 = new Date(1700000001 * 1000);

describe('tiktok signature', () => {
  it('matches the documented fixture', () => {
    expect(tiktokSignature(T1, SECRET, 1700000001)).toBe(T1_SIGNATURE);
    expect(verifyTiktokSignature(Buffer.from(T1), T1_SIGNATURE, SECRET, AT_T1)).toBe(true);
  });

  it('reads t and s by name, in any order, with spaces', () => {
    const [t, s] = T1_SIGNATURE.split(',');
    expect(verifyTiktokSignature(Buffer.from(T1), `${s}, ${t}`, SECRET, AT_T1)).toBe(true);
  });

  it('accepts up to 300 s of skew and rejects a stale or future t', () => {
    expect(
      verifyTiktokSignature(Buffer.from(T1), T1_SIGNATURE, SECRET, new Date(AT_T1.getTime() + 300_000)),
    ).toBe(true);
    expect(
      verifyTiktokSignature(Buffer.from(T1), T1_SIGNATURE, SECRET, new Date(AT_T1.getTime() + 301_000)),
    ).toBe(false);
    expect(
      verifyTiktokSignature(Buffer.from(T1), T1_SIGNATURE, SECRET, new Date(AT_T1.getTime() - 301_000)),
    ).toBe(false);
  });

  it('rejects a wrong secret, a changed body, a moved t, or garbage', () => {
    expect(verifyTiktokSignature(Buffer.from(T1), T1_SIGNATURE, 'other', AT_T1)).toBe(false);
    expect(verifyTiktokSignature(Buffer.from(T1 + ' '), T1_SIGNATURE, SECRET, AT_T1)).toBe(false);
    expect(
      verifyTiktokSignature(
        Buffer.from(T1),
        T1_SIGNATURE.replace('t=1700000001', 't=1700000002'),
        SECRET,
        AT_T1,
      ),
    ).toBe(false);
    expect(verifyTiktokSignature(Buffer.from(T1), 'nonsense', SECRET, AT_T1)).toBe(false);
    expect(verifyTiktokSignature(Buffer.from(T1), undefined, SECRET, AT_T1)).toBe(false);
  });
});
