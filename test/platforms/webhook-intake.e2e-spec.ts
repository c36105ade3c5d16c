import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import {
  FAKE_SECRETS,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  signFacebook,
  tiktokTextMessage,
  zaloUserText,
  type SignedDelivery,
} from '../support/webhook-signing.js';
import {
  channelConversations,
  channelIdentities,
  channelMessages,
  createPlatformChannel,
  db,
  deliver,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  workspaceEvents,
  type Platform,
  type PlatformTestContext,
} from './platform-test-helpers.js';

async function webhookCount(platform: string, outcome: string): Promise<number> {
  const metric = register.getSingleMetric('crm_webhook_requests_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return (
    values.find((value) => value.labels.platform === platform && value.labels.outcome === outcome)?.value ?? 0
  );
}

describe('webhook intake (all platforms)', () => {
  let context: PlatformTestContext;

  beforeAll(async () => {
    context = await startPlatformTest();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });

  it('answers 413 for a body over 1 MiB and 400 for malformed JSON or a payload of the wrong shape', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const huge = JSON.stringify({
      ...facebookTextMessage({ pageId: channel.externalId, psid: '1', mid: 'm_big', text: 'x' }),
      padding: 'x'.repeat(1024 * 1024),
    });
    await deliver(context.t, {
      path: '/api/webhooks/facebook',
      body: huge,
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signFacebook(huge) },
    }).expect(413);
    for (const path of ['/api/webhooks/facebook', '/api/webhooks/zalo', '/api/webhooks/tiktok']) {
      const response = await context.t
        .http()
        .post(path)
        .set({ 'Content-Type': 'application/json', 'X-Hub-Signature-256': 'sha256=00' })
        .send('{"object":"page",')
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    await deliver(context.t, signedFacebookDelivery({ object: 'page' })).expect(400);
    await deliver(context.t, signedFacebookDelivery([1, 2])).expect(400);
    await deliver(
      context.t,
      signedTiktokDelivery({ event: 'im_receive_msg', user_openid: 'b', content: '{broken' }),
    ).expect(400);
    await deliver(context.t, signedZaloDelivery('{"timestamp":"1","no_event":true}')).expect(400);
    await context.t
      .http()
      .post('/api/webhooks/facebook')
      .set({ 'Content-Type': 'text/plain', 'X-Hub-Signature-256': 'sha256=00' })
      .send('hello')
      .expect(400);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
  });

  const identicalDeliveries: Record<Platform, (externalId: string) => SignedDelivery> = {
    facebook: (pageId) =>
      signedFacebookDelivery(
        facebookTextMessage({ pageId, psid: uniqueId(), mid: uniqueId('m_'), text: 'only once' }),
      ),
    zalo: (oaId) =>
      signedZaloDelivery(zaloUserText({ oaId, userId: uniqueId(), msgId: uniqueId('z'), text: 'only once' })),
    tiktok: (businessId) =>
      signedTiktokDelivery(
        tiktokTextMessage({
          businessId,
          userId: uniqueId('user_'),
          conversationId: `conv+${uniqueId()}==`,
          messageId: uniqueId('msg_'),
          text: 'only once',
        }),
      ),
  };

  it.each(['facebook', 'zalo', 'tiktok'] as const)(
    '%s: absorbs 50 concurrent identical deliveries: one customer, one conversation, one message, one event each',
    async (platform) => {
      const channel = await createPlatformChannel(context, platform);
      const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
      const delivery = identicalDeliveries[platform](channel.externalId);
      const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(context.t, delivery)));
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
      expect(await channelMessages(context.t, channel.id)).toHaveLength(1);
      expect(await channelConversations(context.t, channel.id)).toHaveLength(1);
      expect(await channelIdentities(context.t, channel.id)).toHaveLength(1);
      const events = (await workspaceEvents(context.t, channel.workspaceId)).slice(before);
      expect(events.map((event) => event.type)).toEqual([
        'customer_created',
        'new_conversation',
        'new_message',
      ]);
    },
  );

  it('creates one customer and one conversation when a new sender’s different messages arrive concurrently', async () => {
    const channel = await createPlatformChannel(context, 'tiktok');
    const userId = uniqueId('user_');
    const thread = `conv+${uniqueId()}==`;
    const before = (await workspaceEvents(context.t, channel.workspaceId)).length;
    const deliveries = Array.from({ length: 20 }, (_, index) =>
      signedTiktokDelivery(
        tiktokTextMessage({
          businessId: channel.externalId,
          userId,
          conversationId: thread,
          messageId: uniqueId('msg_'),
          text: `message ${index}`,
        }),
      ),
    );
    const responses = await Promise.all(deliveries.map((delivery) => deliver(context.t, delivery)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(await channelMessages(context.t, channel.id)).toHaveLength(20);
    expect(await channelConversations(context.t, channel.id)).toHaveLength(1);
    expect(await channelIdentities(context.t, channel.id)).toHaveLength(1);
    const customers = await db(context.t).query(
      'SELECT count(DISTINCT c.id)::int AS n FROM customers c JOIN conversations conv ON conv.customer_id = c.id WHERE conv.channel_id = $1',
      [channel.id],
    );
    expect(customers[0].n).toBe(1);
    const orphans = await db(context.t).query(
      'SELECT count(*)::int AS n FROM customers c WHERE c.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id)',
      [channel.workspaceId],
    );
    expect(orphans[0].n).toBe(0);
    const types = (await workspaceEvents(context.t, channel.workspaceId))
      .slice(before)
      .map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['customer_created', 'new_conversation', 'new_message']);
    expect(types.filter((type) => type === 'new_message')).toHaveLength(20);
    expect(types.filter((type) => type === 'customer_created')).toHaveLength(1);
    expect(types.filter((type) => type === 'new_conversation')).toHaveLength(1);
  });

  it('takes rotated credentials and a deleted channel into account at once', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const send = (text: string, secret?: string) =>
      deliver(
        context.t,
        signedFacebookDelivery(
          facebookTextMessage({ pageId: channel.externalId, psid: uniqueId(), mid: uniqueId('m_'), text }),
          secret,
        ),
      );
    await send('with the first secret').expect(200);
    await context.t
      .http()
      .patch(`/api/channels/${channel.id}`)
      .set(context.admin.auth)
      .send({ credentials: { ...FAKE_SECRETS.facebook, appSecret: 'rotated_app_secret' } })
      .expect(200);
    await send('old secret').expect(401);
    await send('with the rotated secret', 'rotated_app_secret').expect(200);
    expect((await channelMessages(context.t, channel.id)).map((message) => message.content)).toEqual([
      'with the first secret',
      'with the rotated secret',
    ]);

    await context.t.http().delete(`/api/channels/${channel.id}`).set(context.admin.auth).expect(204);
    await send('to a deleted channel', 'rotated_app_secret').expect(200);
    expect(await channelMessages(context.t, channel.id)).toHaveLength(0);
  });

  it('answers well within 2 s and counts outcomes per platform', async () => {
    const channel = await createPlatformChannel(context, 'facebook');
    const accepted = await webhookCount('facebook', 'accepted');
    const unauthorized = await webhookCount('facebook', 'unauthorized');
    const unknown = await webhookCount('facebook', 'unknown_channel');
    const started = Date.now();
    await deliver(
      context.t,
      signedFacebookDelivery(
        facebookTextMessage({
          pageId: channel.externalId,
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'quick',
        }),
      ),
    ).expect(200);
    expect(Date.now() - started).toBeLessThan(2000);
    await deliver(
      context.t,
      signedFacebookDelivery(
        facebookTextMessage({
          pageId: channel.externalId,
          psid: uniqueId(),
          mid: uniqueId('m_'),
          text: 'forged',
        }),
        'bad',
      ),
    ).expect(401);
    await deliver(
      context.t,
      signedFacebookDelivery(
        facebookTextMessage({ pageId: uniqueId(), psid: uniqueId(), mid: uniqueId('m_'), text: 'nobody' }),
      ),
    ).expect(200);
    expect(await webhookCount('facebook', 'accepted')).toBe(accepted + 1);
    expect(await webhookCount('facebook', 'unauthorized')).toBe(unauthorized + 1);
    expect(await webhookCount('facebook', 'unknown_channel')).toBe(unknown + 1);
    const metrics = await context.t.http().get('/api/metrics').expect(200);
    expect(metrics.text).toMatch(/crm_webhook_requests_total\{platform="facebook",outcome="accepted"\} \d+/);
  });

  it('lists the webhook routes in the OpenAPI document without authentication', async () => {
    const response = await context.t.http().get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/webhooks/facebook', '/api/webhooks/zalo', '/api/webhooks/tiktok']),
    );
  });
});
