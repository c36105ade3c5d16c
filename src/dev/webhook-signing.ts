/**
 * Signed webhook deliveries built from the platforms' documented schemes, with fake secrets.
 * Self-contained (node:crypto only), so tests, benchmarks, browser tests and the demo can import it.
 */
import { createHash, createHmac } from 'node:crypto';

type Bytes = string | Buffer;

/** The fake secrets of platforms.md: its sample hashes were made with these. */
export const FAKE_SECRETS = {
  facebook: {
    appSecret: 'test_meta_app_secret',
    pageAccessToken: 'fb_page_token_SECRET_do_not_log',
    verifyToken: 'test_verify_token',
  },
  zalo: {
    appId: '360846524940903967',
    oaSecretKey: 'test_zalo_oa_secret_key',
    accessToken: 'zalo_access_token_SECRET_do_not_log',
  },
  tiktok: { appSecret: 'test_tiktok_app_secret', accessToken: 'tiktok_access_token_SECRET_do_not_log' },
} as const;

export const WEBHOOK_PATHS = {
  facebook: '/api/webhooks/facebook',
  zalo: '/api/webhooks/zalo',
  tiktok: '/api/webhooks/tiktok',
} as const;

// ---- signatures ------------------------------------------------------------------------------------

/** `X-Hub-Signature-256` value: `sha256=<hex HMAC-SHA256(appSecret, raw body)>`. */
export function signFacebook(rawBody: Bytes, appSecret: string = FAKE_SECRETS.facebook.appSecret): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** `X-ZEvent-Signature` value: `mac=<hex SHA-256(appId + raw body + timestamp + oaSecretKey)>`; timestamp = body's `timestamp`. */
export function signZalo(
  rawBody: Bytes,
  timestamp: string,
  appId: string = FAKE_SECRETS.zalo.appId,
  oaSecretKey: string = FAKE_SECRETS.zalo.oaSecretKey,
): string {
  return (
    'mac=' +
    createHash('sha256').update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest('hex')
  );
}

/** `TikTok-Signature` value: `t=<unix s>,s=<hex HMAC-SHA256(appSecret, "<t>.<raw body>")>`. */
export function signTiktok(
  rawBody: Bytes,
  appSecret: string = FAKE_SECRETS.tiktok.appSecret,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): string {
  const signature = createHmac('sha256', appSecret)
    .update(`${timestampSeconds}.`)
    .update(rawBody)
    .digest('hex');
  return `t=${timestampSeconds},s=${signature}`;
}

/** A ready-to-send delivery: path, exact body bytes and headers. */
export interface SignedDelivery {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export function signedFacebookDelivery(payload: unknown, appSecret?: string): SignedDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    path: WEBHOOK_PATHS.facebook,
    body,
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signFacebook(body, appSecret) },
  };
}

export function signedZaloDelivery(
  payload: { timestamp: string } | string,
  credentials: { appId?: string; oaSecretKey?: string } = {},
): SignedDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = (JSON.parse(body) as { timestamp: string }).timestamp;
  return {
    path: WEBHOOK_PATHS.zalo,
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-ZEvent-Signature': signZalo(body, timestamp, credentials.appId, credentials.oaSecretKey),
    },
  };
}

export function signedTiktokDelivery(
  payload: unknown,
  appSecret?: string,
  timestampSeconds?: number,
): SignedDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    path: WEBHOOK_PATHS.tiktok,
    body,
    headers: {
      'Content-Type': 'application/json',
      'TikTok-Signature': signTiktok(body, appSecret, timestampSeconds),
    },
  };
}

/**
 * Meta's serialisation: JSON with every non-ASCII character escaped as \uXXXX (lowercase hex), which is
 * what Meta signs and sends. Sign the result of this, not JSON.stringify, to reproduce real deliveries.
 */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (char) => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

// ---- Facebook payloads -------------------------------------------------------------------------------

export interface FacebookEntry {
  id: string;
  time: number;
  messaging: unknown[];
}

export function facebookBatch(...entries: FacebookEntry[]): { object: 'page'; entry: FacebookEntry[] } {
  return { object: 'page', entry: entries };
}

function facebookEntry(pageId: string, event: unknown): FacebookEntry {
  return { id: pageId, time: Date.now(), messaging: [event] };
}

export function facebookTextMessage(options: {
  pageId: string;
  psid: string;
  mid: string;
  text: string;
  timestamp?: number;
}) {
  return facebookBatch(facebookTextEntry(options));
}

export function facebookTextEntry(options: {
  pageId: string;
  psid: string;
  mid: string;
  text: string;
  timestamp?: number;
}): FacebookEntry {
  return facebookEntry(options.pageId, {
    sender: { id: options.psid },
    recipient: { id: options.pageId },
    timestamp: options.timestamp ?? Date.now(),
    message: { mid: options.mid, text: options.text },
  });
}

export function facebookImageMessage(options: {
  pageId: string;
  psid: string;
  mid: string;
  url: string;
  timestamp?: number;
}) {
  return facebookAttachmentMessage({ ...options, type: 'image' });
}

/** A customer message carrying one attachment of `type` (`image`, `file`, `video`, `audio`) at `url`. */
export function facebookAttachmentMessage(options: {
  pageId: string;
  psid: string;
  mid: string;
  type: string;
  url: string;
  timestamp?: number;
}) {
  return facebookBatch(
    facebookEntry(options.pageId, {
      sender: { id: options.psid },
      recipient: { id: options.pageId },
      timestamp: options.timestamp ?? Date.now(),
      message: { mid: options.mid, attachments: [{ type: options.type, payload: { url: options.url } }] },
    }),
  );
}

/** An echo: sender = page, recipient = PSID. `metadata` is what our Send API call passed (`crm:<message id>`). */
export function facebookEcho(options: {
  pageId: string;
  psid: string;
  mid: string;
  text: string;
  metadata?: string;
  appId?: number;
  timestamp?: number;
}) {
  return facebookBatch(
    facebookEntry(options.pageId, {
      sender: { id: options.pageId },
      recipient: { id: options.psid },
      timestamp: options.timestamp ?? Date.now(),
      message: {
        mid: options.mid,
        is_echo: true,
        app_id: options.appId ?? 1517776481860111,
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
        text: options.text,
      },
    }),
  );
}

export function facebookDelivery(options: {
  pageId: string;
  psid: string;
  watermark: number;
  mids?: string[];
}) {
  return facebookBatch(
    facebookEntry(options.pageId, {
      sender: { id: options.psid },
      recipient: { id: options.pageId },
      delivery: { ...(options.mids ? { mids: options.mids } : {}), watermark: options.watermark },
    }),
  );
}

export function facebookRead(options: { pageId: string; psid: string; watermark: number }) {
  return facebookBatch(
    facebookEntry(options.pageId, {
      sender: { id: options.psid },
      recipient: { id: options.pageId },
      timestamp: Date.now(),
      read: { watermark: options.watermark },
    }),
  );
}

// ---- Zalo payloads -----------------------------------------------------------------------------------

export interface ZaloEvent {
  app_id: string;
  event_name: string;
  timestamp: string;
  [key: string]: unknown;
}

const zaloAppId = (appId?: string) => appId ?? FAKE_SECRETS.zalo.appId;
const nowMs = (timestamp?: number | string) => String(timestamp ?? Date.now());

export function zaloUserText(options: {
  oaId: string;
  userId: string;
  msgId: string;
  text: string;
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    app_id: zaloAppId(options.appId),
    sender: { id: options.userId },
    user_id_by_app: '552177279717587730',
    recipient: { id: options.oaId },
    event_name: 'user_send_text',
    message: { text: options.text, msg_id: options.msgId },
    timestamp: nowMs(options.timestamp),
  };
}

export function zaloUserImage(options: {
  oaId: string;
  userId: string;
  msgId: string;
  url: string;
  caption?: string;
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    app_id: zaloAppId(options.appId),
    user_id_by_app: '552177279717587730',
    event_name: 'user_send_image',
    timestamp: nowMs(options.timestamp),
    sender: { id: options.userId },
    recipient: { id: options.oaId },
    message: {
      msg_id: options.msgId,
      text: options.caption ?? '',
      attachments: [{ payload: { thumbnail: options.url, url: options.url }, type: 'image' }],
    },
  };
}

/** `oa_send_text`; `adminId` present = typed by a human in Zalo's tools, absent = an API send. */
export function zaloOaText(options: {
  oaId: string;
  userId: string;
  msgId: string;
  text: string;
  adminId?: string;
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    app_id: zaloAppId(options.appId),
    user_id_by_app: '552177279717587730',
    event_name: 'oa_send_text',
    timestamp: nowMs(options.timestamp),
    sender: { id: options.oaId, ...(options.adminId ? { admin_id: options.adminId } : {}) },
    recipient: { id: options.userId },
    message: { msg_id: options.msgId, text: options.text },
  };
}

export function zaloReceived(options: {
  oaId: string;
  userId: string;
  msgId: string;
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    app_id: zaloAppId(options.appId),
    user_id_by_app: '552177279717587730',
    event_name: 'user_received_message',
    timestamp: nowMs(options.timestamp),
    sender: { id: options.oaId },
    recipient: { id: options.userId },
    message: { msg_id: options.msgId },
  };
}

export function zaloSeen(options: {
  oaId: string;
  userId: string;
  msgIds: string[];
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    app_id: zaloAppId(options.appId),
    user_id_by_app: '552177279717587730',
    event_name: 'user_seen_message',
    timestamp: nowMs(options.timestamp),
    sender: { id: options.oaId },
    recipient: { id: options.userId },
    message: { msg_ids: options.msgIds },
  };
}

export function zaloFollow(options: {
  oaId: string;
  userId: string;
  event?: 'follow' | 'unfollow';
  appId?: string;
  timestamp?: number | string;
}): ZaloEvent {
  return {
    oa_id: options.oaId,
    follower: { id: options.userId },
    user_id_by_app: '552177279717587730',
    event_name: options.event ?? 'follow',
    source: 'oa_profile',
    app_id: zaloAppId(options.appId),
    timestamp: nowMs(options.timestamp),
  };
}

// ---- TikTok payloads ---------------------------------------------------------------------------------

export interface TiktokEnvelope {
  client_key: string;
  event: string;
  create_time: number;
  user_openid: string;
  content: string;
}

function tiktokEnvelope(event: string, businessId: string, content: unknown): TiktokEnvelope {
  return {
    client_key: 'aw_test_client_key',
    event,
    create_time: Math.floor(Date.now() / 1000),
    user_openid: businessId,
    content: JSON.stringify(content),
  };
}

export function tiktokTextMessage(options: {
  businessId: string;
  userId: string;
  conversationId: string;
  messageId: string;
  text: string;
  username?: string;
  timestamp?: number;
}): TiktokEnvelope {
  return tiktokEnvelope('im_receive_msg', options.businessId, {
    from: options.username ?? 'someuser',
    to: 'acmebrand',
    unique_identifier: options.userId,
    from_user: { id: options.userId, role: 'personal_account' },
    to_user: { id: options.businessId, role: 'business_account' },
    conversation_id: options.conversationId,
    timestamp: options.timestamp ?? Date.now(),
    message_id: options.messageId,
    type: 'text',
    text: { body: options.text },
    scene_type: 0,
    is_follower: false,
    message_tag: { source: 'APP' },
  });
}

export function tiktokImageMessage(options: {
  businessId: string;
  userId: string;
  conversationId: string;
  messageId: string;
  mediaId: string;
  username?: string;
  timestamp?: number;
}): TiktokEnvelope {
  return tiktokEnvelope('im_receive_msg', options.businessId, {
    from: options.username ?? 'someuser',
    to: 'acmebrand',
    from_user: { id: options.userId, role: 'personal_account' },
    to_user: { id: options.businessId, role: 'business_account' },
    conversation_id: options.conversationId,
    timestamp: options.timestamp ?? Date.now(),
    message_id: options.messageId,
    type: 'image',
    image: { media_id: options.mediaId },
  });
}

/** `im_send_msg`: the business sent a message; `source: 'API'` for API sends (ours included). */
export function tiktokEcho(options: {
  businessId: string;
  userId: string;
  conversationId: string;
  messageId: string;
  text: string;
  source?: 'API' | 'APP' | 'WEB';
  timestamp?: number;
}): TiktokEnvelope {
  return tiktokEnvelope('im_send_msg', options.businessId, {
    from: 'acmebrand',
    to: 'someuser',
    from_user: { id: options.businessId, role: 'business_account' },
    to_user: { id: options.userId, role: 'personal_account' },
    conversation_id: options.conversationId,
    timestamp: options.timestamp ?? Date.now(),
    message_id: options.messageId,
    type: 'text',
    text: { body: options.text },
    message_tag: { source: options.source ?? 'API' },
  });
}

export function tiktokRead(options: {
  businessId: string;
  userId: string;
  conversationId: string;
  lastReadTimestamp: number;
}): TiktokEnvelope {
  return tiktokEnvelope('im_mark_read_msg', options.businessId, {
    from: 'someuser',
    to: 'acmebrand',
    from_user: { id: options.userId, role: 'personal_account' },
    to_user: { id: options.businessId, role: 'business_account' },
    conversation_id: options.conversationId,
    timestamp: Date.now(),
    read: { last_read_timestamp: options.lastReadTimestamp },
  });
}

export function tiktokEuMessage(options: { businessId: string }): TiktokEnvelope {
  return tiktokEnvelope('im_receive_msg_eu', options.businessId, {
    to: 'acmebrand',
    to_user: { id: options.businessId, role: 'business_account' },
    timestamp: Date.now(),
  });
}
