import type { Conversation, Customer, Platform, User } from '../../src/api/models';
import {
  FAKE_SECRETS,
  facebookImageMessage,
  facebookTextMessage,
  signedFacebookDelivery,
  signedTiktokDelivery,
  tiktokTextMessage,
  type SignedDelivery,
} from '../../../test/support/webhook-signing';

/** REST from the test process: sets up users and channels, and delivers signed webhooks. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = null,
  ) {}

  static async signIn(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    const answer = await new ApiClient(baseUrl).call<{ accessToken: string }>('POST', '/api/auth/login', {
      email,
      password,
    });
    return new ApiClient(baseUrl, answer.accessToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The answer's status only, for requests that are meant to be refused. */
  async status(method: string, path: string, body?: unknown): Promise<number> {
    const response = await this.send(method, path, body);
    await response.arrayBuffer();
    return response.status;
  }

  private send(method: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  createAgent(email: string, name: string, password: string): Promise<User> {
    return this.call<User>('POST', '/api/users', { email, name, password, role: 'agent' });
  }

  createFacebookChannel(pageId: string, name: string, memberIds: string[]): Promise<{ id: string }> {
    return this.createChannel('facebook', pageId, name, memberIds);
  }

  /** A channel with the platform fake's credentials, worked by `memberIds`. */
  async createChannel(
    platform: Platform,
    externalId: string,
    name: string,
    memberIds: string[],
  ): Promise<{ id: string }> {
    const channel = await this.call<{ id: string }>('POST', '/api/channels', {
      platform,
      externalId,
      name,
      credentials: FAKE_SECRETS[platform],
    });
    await this.call('PUT', `/api/channels/${channel.id}/members`, { userIds: memberIds });
    return channel;
  }

  createCustomer(input: { name: string; phone?: string; email?: string; notes?: string }): Promise<Customer> {
    return this.call<Customer>('POST', '/api/customers', input);
  }

  async conversations(): Promise<Conversation[]> {
    return (await this.call<{ items: Conversation[] }>('GET', '/api/conversations')).items;
  }

  async openStreams(): Promise<number> {
    const response = await fetch(`${this.baseUrl}/api/metrics`);
    const line = (await response.text()).split('\n').find((l) => l.startsWith('crm_sse_open_streams'));
    return Number(line?.split(' ').at(-1) ?? NaN);
  }
}

let sequence = 0;

/**
 * A customer's Facebook message, signed as Meta signs it, delivered to the server (or to the full webhook URL
 * a channel shows, `webhookUrl`), with the fake app secret unless the channel was given another.
 */
export async function deliverFacebookMessage(
  baseUrl: string,
  options: { pageId: string; psid: string; text: string; timestamp?: number; appSecret?: string; webhookUrl?: string },
): Promise<void> {
  const mid = `m_e2e_${Date.now()}_${++sequence}`;
  const { appSecret, webhookUrl, ...message } = options;
  const delivery = signedFacebookDelivery(facebookTextMessage({ ...message, mid }), appSecret);
  await post(webhookUrl ?? `${baseUrl}${delivery.path}`, delivery, 'webhook');
}

/** Posts a signed delivery as the platform does; anything but 200 fails the test. */
async function post(url: string, { headers, body }: SignedDelivery, what: string): Promise<void> {
  const answer = await fetch(url, { method: 'POST', headers, body });
  if (answer.status !== 200) throw new Error(`${what} → ${answer.status} ${await answer.text()}`);
}

/** A customer's TikTok message in the thread `conversationId`, signed as TikTok signs it, delivered. */
export async function deliverTiktokMessage(
  baseUrl: string,
  options: { businessId: string; userId: string; conversationId: string; text: string },
): Promise<void> {
  const messageId = `msg_e2e_${Date.now()}_${++sequence}`;
  const delivery = signedTiktokDelivery(tiktokTextMessage({ ...options, messageId }));
  await post(`${baseUrl}${delivery.path}`, delivery, 'TikTok webhook');
}

/** A customer's Facebook image (the platform's CDN URL, downloaded by the server), signed and delivered. */
export async function deliverFacebookImage(
  baseUrl: string,
  options: { pageId: string; psid: string; url: string },
): Promise<void> {
  const delivery = signedFacebookDelivery(
    facebookImageMessage({ ...options, mid: `m_e2e_image_${Date.now()}_${++sequence}` }),
  );
  await post(`${baseUrl}${delivery.path}`, delivery, 'image webhook');
}
