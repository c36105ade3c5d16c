import { afterEach, describe, expect, it } from '@jest/globals';
import { uniqueEmail } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The brute-force guard allows 100 failed logins per client address and minute (docs/api.md); the address is
// Express's req.ip, so TRUST_PROXY decides whether X-Forwarded-For or the socket address is counted.
const ATTEMPTS_PER_ADDRESS = 100;

function failLogin(t: TestApp, forwardedFor?: string) {
  const request = t.http().post('/api/auth/login');
  if (forwardedFor !== undefined) request.set('X-Forwarded-For', forwardedFor);
  return request.send({ email: uniqueEmail('nobody'), password: 'wrong password' });
}

async function useUpAddress(t: TestApp, forwardedFor?: string): Promise<void> {
  for (let batch = 0; batch < ATTEMPTS_PER_ADDRESS; batch += 10) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => failLogin(t, forwardedFor)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(401));
  }
}

describe('TRUST_PROXY and the per-address login limit', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('with TRUST_PROXY=1 counts the address the one trusted hop put last in X-Forwarded-For', async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
    await useUpAddress(t, '198.51.100.1');
    const blocked = await failLogin(t, '198.51.100.1').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // A client cannot escape by prepending its own entries: only the hop the proxy appended is believed.
    await failLogin(t, '203.0.113.50, 198.51.100.1').expect(429);
    // Another client behind the same proxy is counted separately.
    await failLogin(t, '198.51.100.2').expect(401);
  });

  it('with the default (loopback) follows X-Forwarded-For only through loopback hops', async () => {
    t = await startTestApp();
    expect(t.config.trustProxy).toEqual(['loopback']);
    // The test client connects over loopback, which the default trusts as a local reverse proxy.
    await useUpAddress(t, '198.51.100.1');
    await failLogin(t, '198.51.100.1').expect(429);
    // Loopback entries are skipped as proxies: the first address left of them is the client.
    await failLogin(t, '198.51.100.1, 127.0.0.9').expect(429);
    await failLogin(t, '198.51.100.2').expect(401);
  });

  it('with TRUST_PROXY=false ignores a forged X-Forwarded-For and counts the socket address', async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'false' } });
    await useUpAddress(t, '198.51.100.1');
    await failLogin(t, '198.51.100.2').expect(429);
    await failLogin(t).expect(429);
  });
});
