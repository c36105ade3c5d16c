import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { FAKE_SECRETS, facebookTextMessage, signedFacebookDelivery } from '../support/webhook-signing.js';
import {
  channelMessages,
  createPlatformChannel,
  deliver,
  uniqueId,
  type PlatformTestContext,
} from './platform-test-helpers.js';

/** Well under the 1 s safety poll: the change must reach the other instance through its NOTIFY wake-up. */
const RELAY_LATENCY_BUDGET_MS = 900;

describe('cached webhook channels across two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: Session;

  beforeAll(async () => {
    a = await startTestApp({ env: { RELAY_POLL_MS: '1000' } });
    b = await startTestApp({ databaseUrl: a.databaseUrl, env: { RELAY_POLL_MS: '1000' } });
    admin = await signupWorkspace(a);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const onA = (): PlatformTestContext => ({ t: a, admin }) as PlatformTestContext;
  const message = (pageId: string, appSecret: string) =>
    signedFacebookDelivery(
      facebookTextMessage({ pageId, psid: '7392015648120001', mid: `m_${uniqueId()}`, text: 'hello' }),
      appSecret,
    );

  const oldSecret = 'old_meta_app_secret';
  const newSecret = 'new_meta_app_secret';

  /** A facebook channel created on A with the old secret, read (and kept) by B. */
  async function channelCachedOnB() {
    const channel = await createPlatformChannel(onA(), 'facebook', {
      credentials: { ...FAKE_SECRETS.facebook, appSecret: oldSecret },
    });
    await deliver(b, message(channel.externalId, oldSecret)).expect(200);
    await deliver(b, message(channel.externalId, oldSecret)).expect(200);
    await deliver(b, message(channel.externalId, newSecret)).expect(401);
    return channel;
  }

  const replaceSecretOnA = (channelId: string) =>
    a
      .http()
      .patch(`/api/channels/${channelId}`)
      .set(admin.auth)
      .send({ credentials: { ...FAKE_SECRETS.facebook, appSecret: newSecret } })
      .expect(200);

  it("a secret replaced on A: B rejects the old one within the relay's latency", async () => {
    const channel = await channelCachedOnB();
    await replaceSecretOnA(channel.id);
    const replacedAt = Date.now();
    let oldStatus = 0;
    while (Date.now() - replacedAt < RELAY_LATENCY_BUDGET_MS) {
      oldStatus = (await deliver(b, message(channel.externalId, oldSecret))).status;
      if (oldStatus === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(oldStatus).toBe(401);
    // From then on the old secret never verifies again, and the new one does.
    await deliver(b, message(channel.externalId, oldSecret)).expect(401);
    await deliver(b, message(channel.externalId, newSecret)).expect(200);
  });

  it('a secret replaced on A: B accepts the new one at once', async () => {
    const channel = await channelCachedOnB();
    await replaceSecretOnA(channel.id);
    await deliver(b, message(channel.externalId, newSecret)).expect(200);
    await deliver(b, message(channel.externalId, oldSecret)).expect(401);
  });

  it('a channel deleted on A: B stores nothing more for it', async () => {
    const channel = await createPlatformChannel(onA(), 'facebook');
    await deliver(b, message(channel.externalId, FAKE_SECRETS.facebook.appSecret)).expect(200);
    expect(await channelMessages(b, channel.id)).toHaveLength(1);

    await a.http().delete(`/api/channels/${channel.id}`).set(admin.auth).expect(204);
    // At once, before B's relay has seen the deletion: acknowledged, nothing stored (no 500).
    await deliver(b, message(channel.externalId, FAKE_SECRETS.facebook.appSecret)).expect(200);
    expect(await channelMessages(b, channel.id)).toHaveLength(0);
  });
});
