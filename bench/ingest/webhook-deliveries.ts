import {
  facebookTextMessage,
  FAKE_SECRETS,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloUserText,
  type SignedDelivery,
} from '../../test/support/webhook-signing.js';

/** The three channels the ingest benchmark creates (ids in the platforms' own formats). */
export const BENCH_CHANNELS = [
  {
    platform: 'facebook',
    externalId: '102938475610293',
    name: 'bench Facebook page',
    credentials: FAKE_SECRETS.facebook,
  },
  {
    platform: 'zalo',
    externalId: '388613280878808645',
    name: 'bench Zalo OA',
    credentials: FAKE_SECRETS.zalo,
  },
  {
    platform: 'tiktok',
    externalId: 'bench_business_7f3a',
    name: 'bench TikTok account',
    credentials: FAKE_SECRETS.tiktok,
  },
] as const;

const [FACEBOOK, ZALO, TIKTOK] = BENCH_CHANNELS;

/** Warm-up deliveries come from senders of their own, so the measured ones still open their conversations. */
const WARMUP_SENDER_OFFSET = 1_000_000;
/** The sequence number the load client recognises as warm-up (only its order is checked). */
const WARMUP_SEQ = -1;

/**
 * Delivery number `seq`: platforms in turn, senders in turn (so most messages land in an existing
 * conversation, a few open new ones), the text is `{"seq":n}` — what the load client finds in
 * `new_message.content`. Deliveries are signed before the timed window, so the send time is not in the text:
 * the sender records it per sequence number. A warm-up delivery has its own senders and message ids and the
 * text `{"seq":-1}`.
 */
export function signedDelivery(
  seq: number,
  runId: string,
  sendersPerPlatform: number,
  warmup = false,
): SignedDelivery {
  const text = JSON.stringify({ seq: warmup ? WARMUP_SEQ : seq });
  const sender =
    (Math.floor(seq / BENCH_CHANNELS.length) % sendersPerPlatform) + (warmup ? WARMUP_SENDER_OFFSET : 0);
  const messageId = `bench_${runId}_${warmup ? 'w' : ''}${seq}`;
  switch (seq % BENCH_CHANNELS.length) {
    case 0:
      return signedFacebookDelivery(
        facebookTextMessage({
          pageId: FACEBOOK.externalId,
          psid: String(7_392_015_648_120_000 + sender),
          mid: `m_${messageId}`,
          text,
        }),
      );
    case 1:
      return signedZaloDelivery(
        zaloUserText({
          oaId: ZALO.externalId,
          userId: String(246_845_883_529_190_000n + BigInt(sender)),
          msgId: messageId,
          text,
        }),
      );
    default:
      return signedTiktokDelivery(
        tiktokTextMessage({
          businessId: TIKTOK.externalId,
          userId: `bench_user_${sender}`,
          conversationId: `bench_conversation_${sender}`,
          messageId,
          text,
        }),
      );
  }
}
