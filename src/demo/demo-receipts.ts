import {
  fakeReplies,
  type FakePlatforms,
  type FakeReply,
  type RecordedRequest,
} from '../dev/fake-platforms.js';
import { DEMO_CUSTOMERS } from './demo-cast.js';
import {
  deliveredReceipt,
  readReceipt,
  threadOf,
  type SentReply,
  type WebhookPoster,
} from './demo-webhooks.js';

/** How long after a send the customer's phone reports it delivered, then read. */
export const DELIVERED_AFTER_MS = 1_200;
export const READ_AFTER_MS = 3_500;

type SendPlatform = SentReply['platform'];

/** `value.a.b…` of a loosely typed JSON value; undefined where a step is missing. */
function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path)
    current =
      current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** The recipient a send request names: Facebook's PSID (JSON or multipart), Zalo's user id, TikTok's thread. */
function recipientOf(platform: SendPlatform, request: RecordedRequest): string | null {
  if (platform === 'facebook') {
    const multipart = request.multipart?.find((part) => part.name === 'recipient')?.value;
    return text(field(multipart ? parseJson(multipart) : field(request.body, 'recipient'), 'id'));
  }
  if (platform === 'zalo') return text(field(request.body, 'recipient', 'user_id'));
  return text(field(request.body, 'recipient'));
}

/** The message id the fake's answer gives the app. */
function messageIdOf(platform: SendPlatform, reply: FakeReply): string | null {
  if (!('body' in reply)) return null;
  if (platform === 'facebook') return text(field(reply.body, 'message_id'));
  if (platform === 'zalo') return text(field(reply.body, 'data', 'message_id'));
  return text(field(reply.body, 'data', 'message', 'message_id'));
}

/**
 * Makes the platform fake behave like a customer's phone: every send is answered like the platform does, then
 * its delivery and read receipts come back through the app's signed webhook routes, so a reply goes
 * pending → sent → delivered → read.
 */
export class DemoReceipts {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly webhooks: WebhookPoster,
    private readonly onProblem: (line: string) => void,
  ) {}

  install(fake: FakePlatforms): void {
    for (const platform of ['facebook', 'zalo', 'tiktok'] as const) {
      fake.setDefault(platform, (request) => {
        const reply = fakeReplies[platform].success();
        const recipient = recipientOf(platform, request);
        const platformMessageId = messageIdOf(platform, reply);
        if (recipient && platformMessageId) this.scheduleReceipts({ platform, recipient, platformMessageId });
        return reply;
      });
    }
  }

  /** Drops receipts not yet sent and waits for those being posted. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private scheduleReceipts(reply: SentReply): void {
    const delivered = deliveredReceipt(reply);
    if (delivered) this.later(DELIVERED_AFTER_MS, () => this.webhooks.deliver(delivered));
    this.later(READ_AFTER_MS, () => this.webhooks.deliver(readReceipt(reply, customerOfThread)));
  }

  private later(delayMs: number, post: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const posting = post()
        .catch((error: unknown) => this.onProblem(`a receipt webhook failed: ${String(error)}`))
        .finally(() => this.inFlight.delete(posting));
      this.inFlight.add(posting);
    }, delayMs);
    this.timers.add(timer);
  }
}

/** TikTok's read receipt names the reader: the customer of that thread. */
function customerOfThread(thread: string): string {
  return DEMO_CUSTOMERS.find((customer) => threadOf(customer) === thread)?.userId ?? 'demo_tt_user_unknown';
}
