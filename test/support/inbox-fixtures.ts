import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Session } from './fixtures.js';
import type { TestApp } from './test-app.js';

/**
 * Inbox fixtures. Channels go through the REST API (credentials get encrypted the real way); customers,
 * identities, conversations and messages are inserted directly, as the webhooks would create them.
 */

export type Platform = 'facebook' | 'zalo' | 'tiktok';

export const TEST_CREDENTIALS = {
  facebook: {
    appSecret: 'fb-app-secret-SECRET1',
    pageAccessToken: 'fb-page-token-SECRET2',
    verifyToken: 'fb-verify-SECRET3',
  },
  zalo: {
    appId: 'zalo-app-id-SECRET4',
    oaSecretKey: 'zalo-oa-secret-SECRET5',
    accessToken: 'zalo-access-SECRET6',
  },
  tiktok: { appSecret: 'tt-app-secret-SECRET7', accessToken: 'tt-access-SECRET8' },
} as const;

/** Substrings of every test credential value, to assert that no body ever contains one. */
export const CREDENTIAL_MARKERS = [
  'SECRET1',
  'SECRET2',
  'SECRET3',
  'SECRET4',
  'SECRET5',
  'SECRET6',
  'SECRET7',
  'SECRET8',
];

export interface ChannelBody {
  id: string;
  platform: Platform;
  externalId: string;
  name: string;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

export function uniqueExternalId(prefix = 'ext'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** POST /api/channels as the admin; 201 expected. */
export async function createChannel(
  t: TestApp,
  admin: Session,
  options: { platform?: Platform; externalId?: string; name?: string } = {},
): Promise<ChannelBody> {
  const platform = options.platform ?? 'facebook';
  const response = await t
    .http()
    .post('/api/channels')
    .set(admin.auth)
    .send({
      platform,
      externalId: options.externalId ?? uniqueExternalId(platform),
      name: options.name ?? `${platform} channel`,
      credentials: TEST_CREDENTIALS[platform],
    })
    .expect(201);
  return response.body as ChannelBody;
}

/** PUT /api/channels/:id/members as the admin; 200 expected. */
export async function setChannelMembers(
  t: TestApp,
  admin: Session,
  channelId: string,
  userIds: string[],
): Promise<void> {
  await t.http().put(`/api/channels/${channelId}/members`).set(admin.auth).send({ userIds }).expect(200);
}

function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

export async function insertCustomer(
  t: TestApp,
  workspaceId: string,
  fields: { name?: string | null; phone?: string | null; email?: string | null; createdAt?: Date } = {},
): Promise<{ id: string }> {
  const id = randomUUID();
  await db(t).query(
    `INSERT INTO customers (id, workspace_id, name, phone, email, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), coalesce($6, now()))`,
    [
      id,
      workspaceId,
      fields.name === undefined ? 'Fixture customer' : fields.name,
      fields.phone ?? null,
      fields.email ?? null,
      fields.createdAt ?? null,
    ],
  );
  return { id };
}

export async function insertIdentity(
  t: TestApp,
  identity: {
    workspaceId: string;
    customerId: string;
    channelId: string;
    platform: Platform;
    externalUserId?: string;
  },
): Promise<{ externalUserId: string }> {
  const externalUserId = identity.externalUserId ?? uniqueExternalId('user');
  await db(t).query(
    `INSERT INTO customer_identities (customer_id, workspace_id, channel_id, platform, external_user_id) VALUES ($1, $2, $3, $4, $5)`,
    [identity.customerId, identity.workspaceId, identity.channelId, identity.platform, externalUserId],
  );
  return { externalUserId };
}

export interface ConversationRow {
  id: string;
  workspaceId: string;
  channelId: string;
  customerId: string;
  platform: Platform;
}

export async function insertConversation(
  t: TestApp,
  conversation: {
    workspaceId: string;
    channelId: string;
    customerId: string;
    platform: Platform;
    threadKey?: string;
    status?: 'open' | 'pending' | 'resolved';
    lastMessageAt?: Date;
  },
): Promise<ConversationRow> {
  const id = randomUUID();
  await db(t).query(
    `INSERT INTO conversations (id, workspace_id, channel_id, customer_id, platform, thread_key, status, last_message_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()))`,
    [
      id,
      conversation.workspaceId,
      conversation.channelId,
      conversation.customerId,
      conversation.platform,
      conversation.threadKey ?? uniqueExternalId('thread'),
      conversation.status ?? 'open',
      conversation.lastMessageAt ?? null,
    ],
  );
  return {
    id,
    workspaceId: conversation.workspaceId,
    channelId: conversation.channelId,
    customerId: conversation.customerId,
    platform: conversation.platform,
  };
}

/** Customer messages `received`, one second apart ending now (or at `sentAt` values given), oldest first. */
export async function insertMessages(
  t: TestApp,
  conversation: ConversationRow,
  contents: string[],
  options: { sentAt?: Date[] } = {},
): Promise<Array<{ id: string; content: string }>> {
  const inserted: Array<{ id: string; content: string }> = [];
  const now = Date.now();
  for (const [index, content] of contents.entries()) {
    const id = randomUUID();
    const sentAt = options.sentAt?.[index] ?? new Date(now - (contents.length - index) * 1000);
    await db(t).query(
      `INSERT INTO messages (id, workspace_id, channel_id, conversation_id, sender, content, sent_at, platform_message_id, status)
       VALUES ($1, $2, $3, $4, 'customer', $5, $6, $7, 'received')`,
      [
        id,
        conversation.workspaceId,
        conversation.channelId,
        conversation.id,
        content,
        sentAt,
        uniqueExternalId('mid'),
      ],
    );
    // As ingestion does: a customer message (re)starts the conversation's reply window.
    await db(t).query(
      `UPDATE conversations SET last_customer_message_at = GREATEST(last_customer_message_at, $2),
              agent_messages_since_customer = 0 WHERE id = $1`,
      [conversation.id, sentAt],
    );
    inserted.push({ id, content });
  }
  return inserted;
}

export interface Inbox {
  channel: ChannelBody;
  customer: { id: string };
  identity: { externalUserId: string };
  conversation: ConversationRow;
  messages: Array<{ id: string; content: string }>;
}

/** A channel (REST) with one customer, its identity, one conversation and `messageCount` received messages. */
export async function createInbox(
  t: TestApp,
  admin: Session,
  options: { platform?: Platform; customerName?: string; messageCount?: number } = {},
): Promise<Inbox> {
  const channel = await createChannel(t, admin, { platform: options.platform });
  const workspaceId = admin.user.workspaceId;
  const customer = await insertCustomer(t, workspaceId, { name: options.customerName ?? 'Inbox customer' });
  const identity = await insertIdentity(t, {
    workspaceId,
    customerId: customer.id,
    channelId: channel.id,
    platform: channel.platform,
  });
  const conversation = await insertConversation(t, {
    workspaceId,
    channelId: channel.id,
    customerId: customer.id,
    platform: channel.platform,
    threadKey: identity.externalUserId,
  });
  const contents = Array.from({ length: options.messageCount ?? 3 }, (_, index) => `hello ${index + 1}`);
  const messages = await insertMessages(t, conversation, contents);
  return { channel, customer, identity, conversation, messages };
}
