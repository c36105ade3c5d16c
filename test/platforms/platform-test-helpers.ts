import { afterAll, beforeAll, beforeEach, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startFakePlatforms, type FakePlatforms } from '../support/fake-platforms.js';
import { signupWorkspace, type Session } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import type { SseReader } from '../support/sse-reader.js';
import { FAKE_SECRETS, type SignedDelivery } from '../support/webhook-signing.js';

export type Platform = 'facebook' | 'zalo' | 'tiktok';

/** Raw database rows and JSON bodies as tests read them (snake_case columns, loosely typed on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface PlatformTestContext {
  fake: FakePlatforms;
  t: TestApp;
  admin: Session;
}

/** The fake platform server, an app pointed at it, and a workspace admin; `env` may depend on the fake's URL. */
export async function startPlatformTest(
  env: Record<string, string> | ((fake: FakePlatforms) => Record<string, string>) = {},
): Promise<PlatformTestContext> {
  const fake = await startFakePlatforms();
  const t = await startTestApp({ env: { ...fake.env(), ...(typeof env === 'function' ? env(fake) : env) } });
  const admin = await signupWorkspace(t);
  return { fake, t, admin };
}

export async function stopPlatformTest(context: PlatformTestContext | undefined): Promise<void> {
  await context?.t?.close();
  await context?.fake?.close();
}

/**
 * A describe block's platform test: started before its tests (after the hooks declared earlier), stopped after
 * them, the fake's requests and scripts reset before each test. The returned context is filled in once started.
 */
export function usePlatformTest(
  env?: Record<string, string> | ((fake: FakePlatforms) => Record<string, string>),
): PlatformTestContext {
  const context = {} as PlatformTestContext;
  beforeAll(async () => {
    Object.assign(context, await startPlatformTest(env));
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });
  beforeEach(() => context.fake.reset());
  return context;
}

export function uniqueId(prefix = ''): string {
  return `${prefix}${BigInt('0x' + randomBytes(7).toString('hex')).toString()}`;
}

export interface ChannelInfo {
  id: string;
  platform: Platform;
  externalId: string;
  workspaceId: string;
}

/** POST /api/channels with the fake secrets of platforms.md (or the given credentials). */
export async function createPlatformChannel(
  context: PlatformTestContext,
  platform: Platform,
  options: { externalId?: string; credentials?: Record<string, string>; admin?: Session } = {},
): Promise<ChannelInfo> {
  const admin = options.admin ?? context.admin;
  const externalId = options.externalId ?? uniqueId();
  const response = await context.t
    .http()
    .post('/api/channels')
    .set(admin.auth)
    .send({
      platform,
      externalId,
      name: `${platform} ${externalId}`,
      credentials: options.credentials ?? FAKE_SECRETS[platform],
    })
    .expect(201);
  return { id: response.body.id as string, platform, externalId, workspaceId: admin.user.workspaceId };
}

/** Sends the exact bytes of a signed delivery. */
export function deliver(t: TestApp, delivery: SignedDelivery) {
  return t.http().post(delivery.path).set(delivery.headers).send(delivery.body);
}

export function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

export interface LoggedEvent {
  id: number;
  type: string;
  channelId: string | null;
  conversationId: string | null;
  data: Loose;
}

/** The workspace's events in log order. */
export async function workspaceEvents(t: TestApp, workspaceId: string): Promise<LoggedEvent[]> {
  const rows: Array<{
    id: string;
    type: string;
    channel_id: string | null;
    conversation_id: string | null;
    data: unknown;
  }> = await db(t).query(
    'SELECT id, type, channel_id, conversation_id, data FROM events WHERE workspace_id = $1 ORDER BY id',
    [workspaceId],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    type: row.type,
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    data: row.data,
  }));
}

export async function channelMessages(t: TestApp, channelId: string): Promise<Loose[]> {
  return db(t).query('SELECT * FROM messages WHERE channel_id = $1 ORDER BY created_at, id', [channelId]);
}

export async function channelConversations(t: TestApp, channelId: string): Promise<Loose[]> {
  return db(t).query('SELECT * FROM conversations WHERE channel_id = $1 ORDER BY created_at', [channelId]);
}

export async function channelIdentities(t: TestApp, channelId: string): Promise<Loose[]> {
  return db(t).query('SELECT * FROM customer_identities WHERE channel_id = $1 ORDER BY created_at', [
    channelId,
  ]);
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The message of the first `message_updated` on a stream (e.g. after an inbound download). */
export async function firstMessageUpdated(stream: SseReader, timeoutMs = 20_000): Promise<Loose> {
  const frames = await stream.waitFor((all) => all.some((frame) => frame.event === 'message_updated'), timeoutMs);
  return JSON.parse(frames.find((frame) => frame.event === 'message_updated')!.data!);
}

/** An inbound attachment as stored: served from /api/media/<mediaId>, the platform's URL kept as originalUrl. */
export function expectStoredAttachment(
  attachment: Loose,
  expected: { type: string; name: string; mimeType: string; size: number; originalUrl: string },
): void {
  expect(attachment.mediaId).toEqual(expect.any(String));
  expect(attachment).toEqual({ ...expected, mediaId: attachment.mediaId, url: `/api/media/${attachment.mediaId}` });
}

/** Waits until a message reaches one of the given statuses, and returns its row. */
export function waitForMessageStatus(
  t: TestApp,
  messageId: string,
  statuses: string[],
  timeoutMs = 10_000,
): Promise<Loose> {
  return waitFor(
    async () => {
      const [row] = await db(t).query('SELECT * FROM messages WHERE id = $1', [messageId]);
      return row && statuses.includes(row.status) ? row : undefined;
    },
    timeoutMs,
    `message ${messageId} to become ${statuses.join('|')}`,
  );
}

/** POST /api/conversations/:id/messages (202, pending). */
export async function sendAgentMessage(
  t: TestApp,
  session: Session,
  conversationId: string,
  content: string,
  clientMessageId?: string,
): Promise<Loose> {
  const response = await t
    .http()
    .post(`/api/conversations/${conversationId}/messages`)
    .set(session.auth)
    .send({ content, ...(clientMessageId ? { clientMessageId } : {}) })
    .expect(202);
  return response.body;
}

/** Makes every pending retry of a channel due now instead of after its backoff (claimed, in-flight ones keep their lease). */
export async function makeRetriesDue(t: TestApp, channelId: string): Promise<void> {
  await db(t).query(
    `UPDATE messages SET next_attempt_at = now() WHERE channel_id = $1 AND status = 'pending' AND send_attempts > 0 AND next_attempt_at > now() AND next_attempt_at < now() + interval '30 seconds'`,
    [channelId],
  );
}
