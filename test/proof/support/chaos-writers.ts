import { randomBytes } from 'node:crypto';
import {
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  signedZaloDelivery,
  tiktokTextMessage,
  zaloUserText,
  type SignedDelivery,
} from '../../support/webhook-signing.js';

export type Platform = 'facebook' | 'zalo' | 'tiktok';

export interface WriterChannel {
  id: string;
  platform: Platform;
  externalId: string;
}

export interface WriterWorkspace {
  workspaceId: string;
  adminToken: string;
  channels: WriterChannel[];
}

export interface WriterStats {
  webhooks: number;
  webhookRedeliveries: number;
  customersCreated: number;
  customersPatched: number;
  replies: number;
  /** Requests that failed on the wire (instance killed mid-request) or with 5xx/502-ish statuses. */
  transportErrors: number;
  statuses: Map<string, number>;
}

const REQUEST_TIMEOUT_MS = 10_000;
const NETWORK_ERROR_PAUSE_MS = 50;

function numericId(): string {
  return BigInt('0x' + randomBytes(7).toString('hex')).toString();
}

/**
 * Produces events through the public API only: signed webhooks on every platform (new senders, known
 * senders, redeliveries) and REST writes as an admin (create and patch customers, reply to conversations).
 * Each request goes to an instance that is believed up; a request cut by a SIGKILL is simply counted — the
 * comparison is against what committed, not against what was asked.
 */
export class ChaosWriter {
  readonly stats: WriterStats = {
    webhooks: 0,
    webhookRedeliveries: 0,
    customersCreated: 0,
    customersPatched: 0,
    replies: 0,
    transportErrors: 0,
    statuses: new Map(),
  };
  private readonly senders = new Map<string, string[]>();
  private readonly sent: SignedDelivery[] = [];
  private readonly customers: string[] = [];
  private conversations: string[] = [];

  constructor(
    private readonly workspace: WriterWorkspace,
    private readonly pickBaseUrl: () => string,
  ) {}

  /** Conversation ids known to the harness (refreshed from the database). */
  setConversations(ids: string[]): void {
    this.conversations = ids;
  }

  async step(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.55) await this.webhook();
    else if (roll < 0.62 && this.sent.length > 0) await this.redeliver();
    else if (roll < 0.77) await this.createCustomer();
    else if (roll < 0.87 && this.customers.length > 0) await this.patchCustomer();
    else if (this.conversations.length > 0) await this.reply();
    else await this.webhook();
  }

  private async webhook(): Promise<void> {
    const channel = this.workspace.channels[Math.floor(Math.random() * this.workspace.channels.length)];
    const known = this.senders.get(channel.id) ?? [];
    let sender: string;
    if (known.length === 0 || Math.random() < 0.3) {
      sender = numericId();
      known.push(sender);
      this.senders.set(channel.id, known);
    } else {
      sender = known[Math.floor(Math.random() * known.length)];
    }
    const text = `chaos ${randomBytes(4).toString('hex')} — xin chào 👋`;
    const messageId = numericId();
    let delivery: SignedDelivery;
    switch (channel.platform) {
      case 'facebook':
        delivery = signedFacebookDelivery(
          facebookTextMessage({ pageId: channel.externalId, psid: sender, mid: `m_${messageId}`, text }),
        );
        break;
      case 'zalo':
        delivery = signedZaloDelivery(
          zaloUserText({ oaId: channel.externalId, userId: sender, msgId: messageId, text }),
        );
        break;
      case 'tiktok':
        delivery = signedTiktokDelivery(
          tiktokTextMessage({
            businessId: channel.externalId,
            userId: sender,
            conversationId: `conv-${sender}`,
            messageId: `msg-${messageId}`,
            text,
          }),
        );
        break;
    }
    this.sent.push(delivery);
    if (this.sent.length > 200) this.sent.shift();
    this.stats.webhooks += 1;
    await this.send('POST', delivery.path, delivery.body, delivery.headers, 'webhook');
  }

  /** A platform retry of an earlier delivery (TikTok's signature is re-made: its timestamp must stay fresh). */
  private async redeliver(): Promise<void> {
    const delivery = this.sent[Math.floor(Math.random() * this.sent.length)];
    this.stats.webhookRedeliveries += 1;
    const again = delivery.path.endsWith('tiktok') ? signedTiktokDelivery(delivery.body) : delivery;
    await this.send('POST', again.path, again.body, again.headers, 'redelivery');
  }

  private async createCustomer(): Promise<void> {
    this.stats.customersCreated += 1;
    const body = await this.send(
      'POST',
      '/api/customers',
      JSON.stringify({ name: `Chaos ${randomBytes(3).toString('hex')}`, notes: 'line 1\nline 2 \u2028 end' }),
      this.restHeaders(),
      'customer',
    );
    const id = (body as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') {
      this.customers.push(id);
      if (this.customers.length > 500) this.customers.shift();
    }
  }

  private async patchCustomer(): Promise<void> {
    this.stats.customersPatched += 1;
    const id = this.customers[Math.floor(Math.random() * this.customers.length)];
    await this.send(
      'PATCH',
      `/api/customers/${id}`,
      JSON.stringify({ notes: `patched ${Date.now()}` }),
      this.restHeaders(),
      'patch',
    );
  }

  private async reply(): Promise<void> {
    this.stats.replies += 1;
    const id = this.conversations[Math.floor(Math.random() * this.conversations.length)];
    await this.send(
      'POST',
      `/api/conversations/${id}/messages`,
      JSON.stringify({
        content: `reply ${randomBytes(3).toString('hex')}`,
        clientMessageId: randomBytes(8).toString('hex'),
      }),
      this.restHeaders(),
      'reply',
    );
  }

  private restHeaders(): Record<string, string> {
    return { 'Content-Type': 'application/json', Authorization: `Bearer ${this.workspace.adminToken}` };
  }

  private async send(
    method: string,
    path: string,
    body: string,
    headers: Record<string, string>,
    kind: string,
  ): Promise<unknown> {
    try {
      const response = await fetch(`${this.pickBaseUrl()}${path}`, {
        method,
        body,
        headers,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const key = `${kind} ${response.status}`;
      this.stats.statuses.set(key, (this.stats.statuses.get(key) ?? 0) + 1);
      if (response.status >= 500) this.stats.transportErrors += 1;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    } catch {
      this.stats.transportErrors += 1;
      const key = `${kind} network-error`;
      this.stats.statuses.set(key, (this.stats.statuses.get(key) ?? 0) + 1);
      // An instance that is down refuses at once: do not spin.
      await new Promise((done) => setTimeout(done, NETWORK_ERROR_PAUSE_MS));
      return undefined;
    }
  }
}
