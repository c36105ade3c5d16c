import type { ChannelRef } from '../../src/channels/entities/platform-channel.js';
import type { InboundContact, InboundMessage, InboundReceipt } from '../../src/platforms/platform-adapter.js';
import type { FakeReply } from '../support/fake-platforms.js';
import { InboundIngestionService } from '../../src/webhooks/inbound-ingestion.service.js';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import {
  channelConversations,
  createPlatformChannel,
  sendAgentMessage,
  startPlatformTest,
  stopPlatformTest,
  uniqueId,
  workspaceEvents,
  type PlatformTestContext,
  type Platform,
} from '../platforms/platform-test-helpers.js';

/**
 * Medium tier: the real app on a real Postgres (as the e2e tests), but inbound items are handed to the
 * ingestion service directly instead of through a signed webhook round trip.
 */

/**
 * One app (with the fake platform server and a workspace admin) for the test file: filled in before the first
 * test, closed after the last; the fake's scripts and recorded requests are reset after each test.
 */
export function useMediumApp(): PlatformTestContext {
  const context = {} as PlatformTestContext;
  beforeAll(async () => {
    Object.assign(context, await startPlatformTest());
  });
  afterEach(() => {
    context.fake.reset();
  });
  afterAll(async () => {
    await stopPlatformTest(context);
  });
  return context;
}

/** A channel created through the REST API, as ingestion addresses it. */
export async function channelRef(context: PlatformTestContext, platform: Platform): Promise<ChannelRef> {
  const channel = await createPlatformChannel(context, platform);
  return { id: channel.id, workspaceId: channel.workspaceId, platform };
}

export function ingest(
  context: PlatformTestContext,
  channel: ChannelRef,
  ...items: Array<InboundMessage | InboundReceipt | InboundContact>
) {
  return context.t.app.get(InboundIngestionService).ingest([{ channel, items }]);
}

/** A message written by the platform user `customer` in its own thread. */
export function customerMessage(customer: string, fields: Partial<InboundMessage> = {}): InboundMessage {
  return {
    kind: 'message',
    direction: 'customer',
    platformMessageId: uniqueId('m_'),
    threadKey: customer,
    customerExternalId: customer,
    customerName: null,
    text: 'hello',
    attachments: [],
    sentAt: new Date(),
    outboundMessageId: null,
    sentThroughApi: false,
    ...fields,
  };
}

/** The platform's echo of a message the page/OA sent in the thread of `customer`. */
export function echo(customer: string, fields: Partial<InboundMessage> = {}): InboundMessage {
  return customerMessage(customer, { direction: 'echo', text: 'from the page', ...fields });
}

export function receipt(fields: Partial<InboundReceipt> & Pick<InboundReceipt, 'status'>): InboundReceipt {
  return { kind: 'receipt', platformMessageIds: [], threadKey: null, watermark: null, ...fields };
}

/** The statuses `message_sent` events carried for one message, in log order. */
export async function statusEvents(context: PlatformTestContext, workspaceId: string, messageId: string) {
  const events = await workspaceEvents(context.t, workspaceId);
  return events
    .filter((event) => event.type === 'message_sent' && event.data.id === messageId)
    .map((event) => event.data.status as string);
}

/**
 * A thread started by a customer message and an agent reply to it, sent through the REST API; returns once the
 * sender has handed the reply to the fake platform, which gives `answer` (then the default success again).
 */
export async function replyOnNewThread(
  context: PlatformTestContext,
  platform: Platform,
  content: string,
  answer: FakeReply,
) {
  const { t, fake, admin } = context;
  const channel = await channelRef(context, platform);
  const customer = uniqueId();
  await ingest(context, channel, customerMessage(customer));
  const [conversation] = await channelConversations(t, channel.id);
  fake.script(platform, answer);
  const sent: { id: string } = await sendAgentMessage(t, admin, conversation.id, content);
  await fake.waitForRequests(platform, 1);
  return { channel, customer, conversationId: conversation.id as string, messageId: sent.id };
}

/** A successful send answer that arrives `delayMs` late, so the reply stays claimed and `pending` meanwhile. */
export function lateSuccess(context: PlatformTestContext, platform: Platform, delayMs = 600): FakeReply {
  const success = context.fake.replies[platform].success();
  return 'status' in success ? { ...success, delayMs } : success;
}
