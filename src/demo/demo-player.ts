import { DEMO_CUSTOMERS, LIVE_LINES, PLATFORM_LABELS, languageOf, type DemoCustomer } from './demo-cast.js';
import { DEMO_ATTACHMENTS, type DemoAttachment } from './demo-media.js';
import { customerMessageDelivery, type WebhookPoster } from './demo-webhooks.js';

/** Share of messages that come from someone writing in for the first time (while newcomers remain). */
const NEWCOMER_SHARE = 0.25;
/** Share of Facebook and Zalo messages that carry a photo or a file. */
const ATTACHMENT_SHARE = 0.2;

export interface PlayedMessage {
  customer: DemoCustomer;
  id: string;
  text: string;
  attachment?: DemoAttachment;
  /** The customer's first message ever: the app has just created them, someone should learn their name. */
  newcomer: boolean;
}

export interface PlayerOptions {
  /** Average time between two messages; each gap is drawn between half and one and a half of it. */
  intervalMs: number;
  /** Customers the app already knows; the others write in as newcomers. */
  known: Set<DemoCustomer>;
  webhooks: WebhookPoster;
  fileUrl: (name: string) => string;
  onPlayed: (message: PlayedMessage) => void;
  onProblem: (line: string) => void;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Customers writing in through the real signed webhook routes, a few messages a minute, until stopped. */
export class DemoPlayer {
  private readonly regulars: DemoCustomer[];
  private readonly newcomers: DemoCustomer[];
  private readonly runId = Date.now().toString(36);
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: PlayerOptions) {
    this.regulars = DEMO_CUSTOMERS.filter((customer) => options.known.has(customer));
    this.newcomers = DEMO_CUSTOMERS.filter((customer) => !options.known.has(customer));
  }

  start(): void {
    this.scheduleNext();
  }

  /** No new message after this; resolves once the one being delivered (if any) is answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const gap = this.options.intervalMs * (0.5 + Math.random());
    this.timer = setTimeout(() => {
      this.current = this.playOne().finally(() => this.scheduleNext());
    }, gap);
  }

  private async playOne(): Promise<void> {
    const message = this.nextMessage();
    try {
      await this.options.webhooks.deliver(
        customerMessageDelivery(message.customer, {
          id: message.id,
          text: message.text,
          attachment: message.attachment && {
            type: message.attachment.type,
            url: this.options.fileUrl(message.attachment.name),
            name: message.attachment.name,
          },
        }),
      );
      this.options.onPlayed(message);
    } catch (error) {
      this.options.onProblem(
        `a ${PLATFORM_LABELS[message.customer.platform]} message could not be delivered: ${String(error)}`,
      );
    }
  }

  private nextMessage(): PlayedMessage {
    const newcomer =
      this.newcomers.length > 0 && (this.regulars.length === 0 || Math.random() < NEWCOMER_SHARE);
    const customer = newcomer
      ? this.newcomers.splice(Math.floor(Math.random() * this.newcomers.length), 1)[0]
      : pick(this.regulars);
    if (newcomer) this.regulars.push(customer);
    this.sequence += 1;
    const id = `demo-live-${customer.platform}-${this.runId}-${this.sequence}`;
    const attachment = attachmentFor(customer);
    const language = languageOf(customer);
    // A TikTok photo comes without a caption: TikTok carries text or an image, not both.
    const caption = customer.platform === 'tiktok' ? '' : language === 'vi' ? attachment?.captionVi : attachment?.caption;
    const text = attachment ? (caption ?? '') : pick(LIVE_LINES[language]);
    return { customer, id, text, attachment, newcomer };
  }
}

/** Facebook carries photos and files, Zalo and TikTok photos. */
function attachmentFor(customer: DemoCustomer): DemoAttachment | undefined {
  if (Math.random() >= ATTACHMENT_SHARE) return undefined;
  return pick(
    DEMO_ATTACHMENTS.filter((attachment) => customer.platform === 'facebook' || attachment.type === 'image'),
  );
}
