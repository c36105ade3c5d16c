import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signupWorkspace } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  FAKE_SECRETS,
  facebookTextMessage,
  metaJson,
  signFacebook,
  signTiktok,
  signZalo,
  tiktokTextMessage,
  WEBHOOK_PATHS,
  zaloUserText,
} from '../support/webhook-signing.js';

/**
 * Webhook fuzz: ≥ 10,000 generated deliveries across the three platforms — valid ones with any
 * unicode text, redeliveries (also concurrent with the original), bad/missing/stale signatures, truncated,
 * oversized and non-JSON bodies, wrong types, huge ids, unknown channels — 20 in flight at a time.
 * Properties: never a 5xx; each category gets its documented answer; a message is stored exactly once per
 * accepted platform message id and nothing at all is written for a rejected delivery (row counts and the
 * events table agree exactly with the accepted set).
 */
const BATCHES = Number(process.env.WEBHOOK_FUZZ_BATCHES ?? 500);
const IN_FLIGHT = 20;
const MAX_BODY_BYTES = 1024 * 1024;

type Platform = 'facebook' | 'zalo' | 'tiktok';
type Category =
  | 'valid'
  | 'duplicate'
  | 'badSignature'
  | 'missingSignature'
  | 'staleSignature'
  | 'truncated'
  | 'oversized'
  | 'wrongTypes'
  | 'hugeIds'
  | 'unknownChannel'
  | 'notJson';

interface Delivery {
  category: Category;
  platform: Platform;
  body: Buffer;
  headers: Record<string, string>;
  /** `<channel external id>/<platform message id>` when the delivery carries a storable message. */
  messageKey?: string;
  senderId?: string;
  /** The text sent, for valid deliveries (checked against what was stored). */
  text?: string;
}

interface Outcome {
  delivery: Delivery;
  status: number;
}

const ALLOWED_STATUSES: Record<Category, number[]> = {
  valid: [200],
  duplicate: [200],
  badSignature: [401],
  missingSignature: [401],
  staleSignature: [401],
  truncated: [400, 401],
  oversized: [413],
  wrongTypes: [200, 400],
  hugeIds: [200, 400],
  unknownChannel: [200],
  notJson: [400, 401, 415],
};
/** Categories whose delivery, when answered 200, must have stored its message (exactly once). */
const STORABLE: ReadonlySet<Category> = new Set(['valid', 'duplicate', 'hugeIds']);

let sequence = 0;
function uniqueNumber(): string {
  sequence += 1;
  return `${Date.now()}${String(sequence).padStart(6, '0')}${randomBytes(2).readUInt16BE(0)}`;
}

function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
}

const textArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'line1\nline2\r\nline3\rend',
      'a\u2028b\u2029c',
      '"quoted" \\back\\ /slash/',
      '𝄞 🎉 👩‍👩‍👧‍👦 xin chào Tiếng Việt',
      'data: fake frame\n\nid: 999\n\n',
      'x'.repeat(3000),
      '\u0000 nul',
      '\ud800 lone high',
      'lone low \udc00',
    ),
  },
);

/** A signed, well-formed text message for a channel, with a fresh message id and sender. */
function validDelivery(
  platform: Platform,
  externalId: string,
  text: string,
  options: { messageId?: string; senderId?: string; escapeMeta?: boolean } = {},
): Delivery {
  const messageId = options.messageId ?? uniqueNumber();
  const senderId = options.senderId ?? uniqueNumber();
  const body = text.trim() === '' ? `t ${text}` : text;
  switch (platform) {
    case 'facebook': {
      const mid = options.messageId ?? `m_${messageId}`;
      const payload = facebookTextMessage({ pageId: externalId, psid: senderId, mid, text: body });
      const raw = options.escapeMeta ? metaJson(payload) : JSON.stringify(payload);
      return {
        category: 'valid',
        platform,
        body: Buffer.from(raw),
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signFacebook(raw) },
        messageKey: `${externalId}/${mid}`,
        senderId,
        text: body,
      };
    }
    case 'zalo': {
      const payload = zaloUserText({ oaId: externalId, userId: senderId, msgId: messageId, text: body });
      const raw = JSON.stringify(payload);
      return {
        category: 'valid',
        platform,
        body: Buffer.from(raw),
        headers: {
          'Content-Type': 'application/json',
          'X-ZEvent-Signature': signZalo(raw, payload.timestamp),
        },
        messageKey: `${externalId}/${messageId}`,
        senderId,
        text: body,
      };
    }
    case 'tiktok': {
      const payload = tiktokTextMessage({
        businessId: externalId,
        userId: senderId,
        conversationId: `c-${senderId}`,
        messageId,
        text: body,
      });
      const raw = JSON.stringify(payload);
      return {
        category: 'valid',
        platform,
        body: Buffer.from(raw),
        headers: { 'Content-Type': 'application/json', 'TikTok-Signature': signTiktok(raw) },
        messageKey: `${externalId}/${messageId}`,
        senderId,
        text: body,
      };
    }
  }
}

const SIGNATURE_HEADERS: Record<Platform, string> = {
  facebook: 'X-Hub-Signature-256',
  zalo: 'X-ZEvent-Signature',
  tiktok: 'TikTok-Signature',
};

function resign(
  platform: Platform,
  raw: Buffer | string,
  headers: Record<string, string>,
): Record<string, string> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let signature: string;
  if (platform === 'facebook') signature = signFacebook(raw);
  else if (platform === 'tiktok') signature = signTiktok(raw);
  else {
    let timestamp = '0';
    try {
      const value = (JSON.parse(text) as { timestamp?: unknown }).timestamp;
      if (typeof value === 'string' || typeof value === 'number') timestamp = String(value);
    } catch {
      // not JSON: any timestamp
    }
    signature = signZalo(raw, timestamp);
  }
  return { ...headers, [SIGNATURE_HEADERS[platform]]: signature };
}

describe('webhook fuzz: 10,000 generated deliveries, never a 5xx, nothing written for a rejected one', () => {
  let t: TestApp;
  const channels = {} as Record<Platform, string>;
  const outcomes: Outcome[] = [];
  const accepted: Delivery[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signupWorkspace(t, 'Fuzz');
    for (const platform of ['facebook', 'zalo', 'tiktok'] as const) {
      const externalId = uniqueNumber();
      await t
        .http()
        .post('/api/channels')
        .set(admin.auth)
        .send({ platform, externalId, name: `fuzz ${platform}`, credentials: FAKE_SECRETS[platform] })
        .expect(201);
      channels[platform] = externalId;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const platformArbitrary = fc.constantFrom<Platform>('facebook', 'zalo', 'tiktok');
  const deliveryArbitrary: fc.Arbitrary<() => Delivery> = fc.oneof(
    {
      weight: 30,
      arbitrary: fc.tuple(platformArbitrary, textArbitrary, fc.boolean()).map(
        ([platform, text, escapeMeta]) =>
          () =>
            validDelivery(platform, channels[platform], text, { escapeMeta }),
      ),
    },
    {
      weight: 10,
      arbitrary: fc.nat().map((pick) => () => {
        if (accepted.length === 0) return validDelivery('facebook', channels.facebook, 'first');
        const original = accepted[pick % accepted.length];
        // A retry carries the same bytes; TikTok's signature is re-made so its timestamp stays within tolerance.
        const headers =
          original.platform === 'tiktok'
            ? resign('tiktok', original.body, original.headers)
            : original.headers;
        return { ...original, headers, category: 'duplicate' as const };
      }),
    },
    {
      weight: 12,
      arbitrary: fc
        .tuple(
          platformArbitrary,
          fc.constantFrom('wrongSecret', 'flipped', 'empty', 'prefixOnly', 'garbage', 'otherScheme'),
          fc.string({ maxLength: 20 }),
        )
        .map(([platform, how, junk]) => () => {
          const delivery = validDelivery(platform, channels[platform], 'bad signature');
          const header = SIGNATURE_HEADERS[platform];
          const good = delivery.headers[header];
          const raw = delivery.body;
          const bad: Record<string, string> = {
            wrongSecret:
              platform === 'facebook'
                ? signFacebook(raw, 'not-the-secret')
                : platform === 'tiktok'
                  ? signTiktok(raw, 'not-the-secret')
                  : signZalo(raw, '1', FAKE_SECRETS.zalo.appId, 'not-the-secret'),
            flipped: good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'),
            empty: ' ',
            prefixOnly: good.slice(0, good.indexOf('=') + 1),
            garbage: encodeURIComponent(junk) || 'x',
            otherScheme: `sha1=${good.slice(-40)}`,
          };
          return {
            ...delivery,
            category: 'badSignature' as const,
            headers: { ...delivery.headers, [header]: bad[how] },
            messageKey: undefined,
          };
        }),
    },
    {
      weight: 5,
      arbitrary: platformArbitrary.map((platform) => () => {
        const delivery = validDelivery(platform, channels[platform], 'unsigned');
        const headers = { ...delivery.headers };
        delete headers[SIGNATURE_HEADERS[platform]];
        return { ...delivery, category: 'missingSignature' as const, headers, messageKey: undefined };
      }),
    },
    {
      weight: 5,
      arbitrary: fc
        // Past the 300 s tolerance with a margin: a delivery may wait in the queue before it is sent, which
        // brings a future `t` closer to the server's clock (301 s once arrived as exactly 300 s and passed).
        .integer({ min: 330, max: 10 ** 8 })
        .chain((skew) => fc.constantFrom(skew, -skew))
        .map((skew) => () => {
          const delivery = validDelivery('tiktok', channels.tiktok, 'stale');
          const headers = {
            ...delivery.headers,
            'TikTok-Signature': signTiktok(delivery.body, undefined, Math.floor(Date.now() / 1000) - skew),
          };
          return { ...delivery, category: 'staleSignature' as const, headers, messageKey: undefined };
        }),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(platformArbitrary, fc.double({ min: 0, max: 0.99, noNaN: true }), fc.boolean())
        .map(([platform, fraction, signTruncated]) => () => {
          const delivery = validDelivery(platform, channels[platform], 'truncated');
          const body = delivery.body.subarray(0, Math.floor(delivery.body.length * fraction));
          const headers = signTruncated ? resign(platform, body, delivery.headers) : delivery.headers;
          return { ...delivery, category: 'truncated' as const, body, headers, messageKey: undefined };
        }),
    },
    {
      weight: 1,
      arbitrary: platformArbitrary.map((platform) => () => {
        const delivery = validDelivery(platform, channels[platform], 'y'.repeat(MAX_BODY_BYTES + 10));
        return { ...delivery, category: 'oversized' as const, messageKey: undefined };
      }),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          platformArbitrary,
          fc.constantFrom<unknown>(null, true, false, {}, [], [1, 2], { idx: 'x' }, 1.5, 1e30, ''),
          fc.nat(5),
        )
        .map(([platform, value, where]) => () => {
          const delivery = validDelivery(platform, channels[platform], 'wrong types');
          const payload = JSON.parse(delivery.body.toString('utf8'));
          if (platform === 'facebook') {
            const event = payload.entry[0].messaging[0];
            [
              () => (event.message.mid = value),
              () => (event.sender = value),
              () => (payload.entry = value),
              () => (event.message = value),
              () => (payload.entry[0].messaging = value),
              () => (event.sender.id = value),
            ][where]();
          } else if (platform === 'zalo') {
            [
              () => (payload.message.msg_id = value),
              () => (payload.sender = value),
              () => (payload.message = value),
              () => (payload.recipient = { id: channels.zalo, x: value }),
              () => (payload.event_name = value),
              () => (payload.sender.id = value),
            ][where]();
          } else {
            const content = JSON.parse(payload.content as string);
            [
              () => (content.message_id = value),
              () => (content.from_user = value),
              () => (payload.content = value),
              () => (content.text = value),
              () => (content.conversation_id = value),
              () => (payload.content = JSON.stringify(value)),
            ][where]();
            if (where !== 2 && where !== 5) payload.content = JSON.stringify(content);
          }
          const raw = JSON.stringify(payload);
          return {
            ...delivery,
            category: 'wrongTypes' as const,
            body: Buffer.from(raw),
            headers: resign(platform, raw, delivery.headers),
          };
        }),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(platformArbitrary, fc.integer({ min: 100, max: 6000 }), fc.boolean())
        .map(([platform, length, hugeSender]) => () => {
          const unique = uniqueNumber();
          // Random digits: a repeated digit would compress and hide index-size limits.
          const huge = randomDigits(Math.max(0, length - unique.length)) + unique;
          const delivery = hugeSender
            ? validDelivery(platform, channels[platform], 'huge sender', { senderId: huge })
            : validDelivery(platform, channels[platform], 'huge message id', { messageId: huge });
          return { ...delivery, category: 'hugeIds' as const };
        }),
    },
    {
      weight: 5,
      arbitrary: platformArbitrary.map((platform) => () => ({
        ...validDelivery(platform, uniqueNumber(), 'nobody'),
        category: 'unknownChannel' as const,
        messageKey: undefined,
      })),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          platformArbitrary,
          fc.uint8Array({ maxLength: 200 }),
          fc.constantFrom('application/json', 'text/plain', ''),
        )
        .map(([platform, bytes, contentType]) => () => {
          const body = Buffer.from(bytes);
          const headers: Record<string, string> = resign(
            platform,
            body,
            contentType ? { 'Content-Type': contentType } : {},
          );
          return { category: 'notJson' as const, platform, body, headers };
        }),
    },
  );

  async function send(delivery: Delivery): Promise<number> {
    const response = await fetch(`${t.baseUrl}${WEBHOOK_PATHS[delivery.platform]}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(20_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it(`answers ${BATCHES * IN_FLIGHT} deliveries as documented, and stores exactly the accepted messages once`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(deliveryArbitrary, { minLength: IN_FLIGHT, maxLength: IN_FLIGHT }),
        async (makers) => {
          const deliveries = makers.map((make) => make());
          const statuses = await Promise.all(deliveries.map((delivery) => send(delivery)));
          deliveries.forEach((delivery, index) => {
            outcomes.push({ delivery, status: statuses[index] });
            if (delivery.category === 'valid' && statuses[index] === 200) accepted.push(delivery);
          });
          for (const [index, delivery] of deliveries.entries()) {
            const status = statuses[index];
            if (!ALLOWED_STATUSES[delivery.category].includes(status)) {
              throw new Error(
                `${delivery.category} ${delivery.platform} → ${status}; text ${JSON.stringify(delivery.text?.slice(0, 200))}; body ${delivery.body.subarray(0, 300).toString('utf8')}; headers ${JSON.stringify(delivery.headers)}`,
              );
            }
          }
        },
      ),
      { numRuns: BATCHES, endOnFailure: true },
    );

    const counts = new Map<string, number>();
    for (const { delivery, status } of outcomes)
      counts.set(`${delivery.category} ${status}`, (counts.get(`${delivery.category} ${status}`) ?? 0) + 1);
    process.stdout.write(
      `webhook fuzz: ${outcomes.length} deliveries: ${JSON.stringify(Object.fromEntries([...counts].sort()))}\n`,
    );
    expect(outcomes.length).toBeGreaterThanOrEqual(BATCHES * IN_FLIGHT);
    expect(outcomes.filter((outcome) => outcome.status >= 500)).toEqual([]);

    // The accepted set: every storable delivery answered 200, by channel/message id.
    const acceptedKeys = new Set(
      outcomes
        .filter(
          ({ delivery, status }) => status === 200 && STORABLE.has(delivery.category) && delivery.messageKey,
        )
        .map(({ delivery }) => delivery.messageKey!),
    );
    // A storable message answered 400 (e.g. a NUL the database cannot hold) must not be stored, ever.
    const rejectedKeys = new Set(
      outcomes
        .filter(({ delivery, status }) => status !== 200 && delivery.messageKey)
        .map(({ delivery }) => delivery.messageKey!),
    );
    for (const key of rejectedKeys) expect(acceptedKeys.has(key) ? key : null).toBeNull();

    const db = t.app.get(DataSource);
    const stored = await db.query<Array<{ key: string; copies: string; content: string }>>(
      `SELECT channel.external_id || '/' || message.platform_message_id AS key, count(*) OVER (PARTITION BY message.channel_id, message.platform_message_id) AS copies, message.content
           FROM messages message JOIN channels channel ON channel.id = message.channel_id`,
    );
    expect(stored.filter((row) => Number(row.copies) !== 1)).toEqual([]);
    // A wrong-typed delivery answered 200 may have been stored (e.g. a message without usable text) or ignored.
    const maybeKeys = new Set(
      outcomes
        .filter(
          ({ delivery, status }) =>
            status === 200 && delivery.category === 'wrongTypes' && delivery.messageKey,
        )
        .map(({ delivery }) => delivery.messageKey!),
    );
    const storedKeys = new Set(stored.map((row) => row.key));
    expect([...acceptedKeys].filter((key) => !storedKeys.has(key))).toEqual([]);
    expect([...storedKeys].filter((key) => !acceptedKeys.has(key) && !maybeKeys.has(key))).toEqual([]);

    // Text arrives as sent; what UTF-8 text cannot hold (lone surrogates, NUL) becomes U+FFFD.
    const contentByKey = new Map(stored.map((row) => [row.key, row.content]));
    const storable = (text: string) =>
      Buffer.from(text, 'utf8').toString('utf8').replaceAll('\u0000', '\ufffd');
    const wrongContent = accepted
      .filter(
        (delivery) =>
          delivery.text !== undefined && contentByKey.get(delivery.messageKey!) !== storable(delivery.text),
      )
      .map((delivery) => ({
        key: delivery.messageKey,
        sent: delivery.text!.slice(0, 80),
        stored: contentByKey.get(delivery.messageKey!)?.slice(0, 80),
      }));
    expect(wrongContent).toEqual([]);

    // Nothing else was written: each accepted message came from a new sender, so exactly one customer,
    // one identity, one conversation and three events (customer_created, new_conversation, new_message).
    const [rows] = await db.query<Array<Record<string, string>>>(
      `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM customer_identities) AS identities,
                (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages`,
    );
    const events = await db.query<Array<{ type: string; n: string }>>(
      "SELECT type, count(*) AS n FROM events WHERE type <> 'access_changed' GROUP BY type",
    );
    const n = storedKeys.size;
    process.stdout.write(
      `webhook fuzz: ${n} accepted messages; rows ${JSON.stringify(rows)}; events ${JSON.stringify(events)}\n`,
    );
    expect(rows).toEqual({
      customers: String(n),
      identities: String(n),
      conversations: String(n),
      messages: String(n),
    });
    expect(Object.fromEntries(events.map((row) => [row.type, Number(row.n)]))).toEqual(
      // The setup's channels announce themselves; every accepted message adds exactly its three events.
      {
        channel_created: Object.keys(channels).length,
        ...(n === 0 ? {} : { customer_created: n, new_conversation: n, new_message: n }),
      },
    );
    const acceptedSenders = new Set(
      outcomes
        .filter(
          ({ delivery, status }) =>
            status === 200 && (STORABLE.has(delivery.category) || delivery.category === 'wrongTypes'),
        )
        .map(({ delivery }) => delivery.senderId),
    );
    const identities = await db.query<Array<{ external_user_id: string }>>(
      'SELECT external_user_id FROM customer_identities',
    );
    expect(identities.filter((row) => !acceptedSenders.has(row.external_user_id))).toEqual([]);
  }, 300_000);
});
