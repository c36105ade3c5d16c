import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signupWorkspace } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  FAKE_SECRETS,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloUserText,
  type SignedDelivery,
} from '../support/webhook-signing.js';

/**
 * Deterministic cases found by the webhook fuzz (test/proof/webhook-fuzz.e2e-spec.ts): a correctly signed
 * delivery must never get a 5xx (platforms retry and then disable the webhook), and whatever the answer, a
 * rejected delivery writes nothing. Each case is one delivery the fuzz generates at random.
 */
function digits(length: number): string {
  return Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
}

describe('webhook edge cases found by the fuzz', () => {
  let t: TestApp;
  const channels = { facebook: digits(15), zalo: digits(18), tiktok: digits(19) };

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signupWorkspace(t, 'Edge cases');
    for (const platform of ['facebook', 'zalo', 'tiktok'] as const) {
      await t
        .http()
        .post('/api/channels')
        .set(admin.auth)
        .send({
          platform,
          externalId: channels[platform],
          name: platform,
          credentials: FAKE_SECRETS[platform],
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function counts(): Promise<Record<string, string>> {
    const [row] = await t.app.get(DataSource).query<Array<Record<string, string>>>(
      `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM conversations) AS conversations,
              (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM events) AS events`,
    );
    return row;
  }

  /** Sends the delivery: no 5xx; a 200 stores the message once, anything else stores nothing. */
  async function expectHandled(delivery: SignedDelivery, messageId: string): Promise<void> {
    const before = await counts();
    const response = await t.http().post(delivery.path).set(delivery.headers).send(delivery.body);
    expect(response.status).toBeLessThan(500);
    const stored = await t.app
      .get(DataSource)
      .query<Array<{ n: string }>>('SELECT count(*) AS n FROM messages WHERE platform_message_id = $1', [
        messageId,
      ]);
    if (response.status === 200) {
      expect(Number(stored[0].n)).toBe(1);
    } else {
      expect(Number(stored[0].n)).toBe(0);
      expect(await counts()).toEqual(before);
    }
  }

  const cases: Array<[string, () => { delivery: SignedDelivery; messageId: string }]> = [
    [
      'a NUL character (\\u0000) in a Facebook message text',
      () => {
        const mid = `m_${digits(12)}`;
        const payload = facebookTextMessage({
          pageId: channels.facebook,
          psid: digits(16),
          mid,
          text: 'before\u0000after',
        });
        return { delivery: signedFacebookDelivery(payload), messageId: mid };
      },
    ],
    [
      'a NUL character in a Zalo message text',
      () => {
        const msgId = digits(20);
        return {
          delivery: signedZaloDelivery(
            zaloUserText({ oaId: channels.zalo, userId: digits(18), msgId, text: '\u0000' }),
          ),
          messageId: msgId,
        };
      },
    ],
    [
      'a 6,000-digit (random) TikTok message id',
      () => {
        const messageId = digits(6000);
        const payload = tiktokTextMessage({
          businessId: channels.tiktok,
          userId: digits(20),
          conversationId: digits(20),
          messageId,
          text: 'huge id',
        });
        return { delivery: signedTiktokDelivery(payload), messageId };
      },
    ],
    [
      'a 6,000-digit (random) Facebook sender id',
      () => {
        const mid = `m_${digits(12)}`;
        const payload = facebookTextMessage({
          pageId: channels.facebook,
          psid: digits(6000),
          mid,
          text: 'huge sender',
        });
        return { delivery: signedFacebookDelivery(payload), messageId: mid };
      },
    ],
  ];

  it.each(cases)('%s: no 5xx, and nothing written unless accepted', async (_name, make) => {
    const { delivery, messageId } = make();
    await expectHandled(delivery, messageId);
  });
});
