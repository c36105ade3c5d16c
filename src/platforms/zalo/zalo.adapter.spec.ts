import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../config/app-config.js';
import { ZaloAdapter } from './zalo.adapter.js';
import { zaloSignature } from './zalo-signature.util.js';

const credentials = {
  appId: '360846524940903967',
  oaSecretKey: 'test_zalo_oa_secret_key',
  accessToken: 'token',
};
const adapter = new ZaloAdapter({ zaloApiUrl: 'http://127.0.0.1:1' } as AppConfig);

function request(appIdInBody: string, signingAppId: string, secret = credentials.oaSecretKey) {
  const rawBody = Buffer.from(
    JSON.stringify({ app_id: appIdInBody, event_name: 'user_send_text', timestamp: '1717061839659' }),
  );
  return {
    rawBody,
    headers: { 'x-zevent-signature': zaloSignature(signingAppId, rawBody, '1717061839659', secret) },
    body: JSON.parse(rawBody.toString()) as unknown,
  };
}

describe('ZaloAdapter.verify', () => {
  it("uses the channel's app id and the body's timestamp", () => {
    expect(adapter.verify(request(credentials.appId, credentials.appId), credentials)).toBe(true);
  });

  it("falls back to the body's app_id, but never without the OA secret key", () => {
    expect(adapter.verify(request('other-app', 'other-app'), credentials)).toBe(true);
    expect(adapter.verify(request('other-app', 'other-app', 'wrong secret'), credentials)).toBe(false);
    expect(adapter.verify(request(credentials.appId, 'third-app'), credentials)).toBe(false);
  });

  it('refuses a body without a timestamp', () => {
    const rawBody = Buffer.from('{"event_name":"x"}');
    expect(
      adapter.verify(
        { rawBody, headers: { 'x-zevent-signature': 'mac=00' }, body: JSON.parse(rawBody.toString()) },
        credentials,
      ),
    ).toBe(false);
  });
});
