import {
  DEMO_AGENTS,
  DEMO_CHANNELS,
  DEMO_CUSTOMERS,
  DEMO_STORIES,
  STORY_OUTCOMES,
  type DemoCustomer,
  type DemoPlatform,
} from './demo-cast.js';
import { DEMO_ATTACHMENTS } from './demo-media.js';
import {
  DemoApiError,
  DemoSession,
  type ApiChannel,
  type ApiConversation,
  type ApiCustomer,
  type ApiMessage,
  type ApiUser,
} from './demo-api.js';
import type { DemoSignIn } from './demo-sign-in.js';
import { customerMessageDelivery, shopReplyDelivery, type WebhookPoster } from './demo-webhooks.js';

const HTTP_CONFLICT = 409;
const MINUTE_MS = 60_000;

export type DemoChannels = Record<DemoPlatform, ApiChannel>;

/**
 * Everything the demo sets up through the app's real REST API and webhook routes. Each step can run again on
 * an existing DATA_DIR: what exists is found and reused, webhook ids are fixed (redeliveries are no-ops) and
 * inbox replies carry a fixed clientMessageId (sent once).
 */
export class DemoSeed {
  constructor(
    private readonly admin: DemoSession,
    private readonly agents: DemoSession[],
    private readonly signIn: DemoSignIn,
    private readonly webhooks: WebhookPoster,
    private readonly fileUrl: (name: string) => string,
  ) {}

  /** The two agents exist and sign in with the demo's passwords. */
  async ensureAgents(): Promise<ApiUser[]> {
    for (const account of this.signIn.agents) {
      await this.ignoreConflict(() =>
        this.admin.call('POST', '/api/users', {
          email: account.email,
          name: account.name,
          password: account.password,
          role: 'agent',
        }),
      );
    }
    const users = await this.admin.all<ApiUser>('/api/users');
    for (const [index, session] of this.agents.entries()) {
      if (await session.signIn()) continue;
      // Someone changed the password in the console: the demo's printed one is the one that works again.
      const user = users.find((candidate) => candidate.email === session.email);
      if (!user) throw new Error(`agent ${session.email} is missing`);
      await this.admin.call('PATCH', `/api/users/${user.id}`, {
        password: this.signIn.agents[index].password,
      });
    }
    return users;
  }

  /** One channel per platform, worked by the agents DEMO_AGENTS names for it. */
  async ensureChannels(users: ApiUser[]): Promise<DemoChannels> {
    for (const channel of Object.values(DEMO_CHANNELS)) {
      await this.ignoreConflict(() => this.admin.call('POST', '/api/channels', channel));
    }
    const existing = await this.admin.all<ApiChannel>('/api/channels');
    const channels = {} as DemoChannels;
    for (const channel of Object.values(DEMO_CHANNELS)) {
      const found = existing.find(
        (candidate) => candidate.platform === channel.platform && candidate.externalId === channel.externalId,
      );
      if (!found) throw new Error(`the ${channel.platform} channel is missing`);
      channels[channel.platform] = found;
      const userIds = DEMO_AGENTS.filter((agent) => agent.platforms.includes(channel.platform)).map(
        (agent) => users.find((user) => user.email === agent.email)!.id,
      );
      await this.admin.call('PUT', `/api/channels/${found.id}/members`, { userIds });
    }
    return channels;
  }

  /** Past conversations, delivered as the platforms would have (customer messages and the shop's echoes). */
  async deliverHistory(now: number): Promise<number> {
    let delivered = 0;
    for (const customer of DEMO_CUSTOMERS) {
      if (customer.story === null) continue;
      for (const [index, line] of DEMO_STORIES[customer.story].entries()) {
        const attachment = line.attachment
          ? DEMO_ATTACHMENTS.find((candidate) => candidate.name === line.attachment)
          : undefined;
        // TikTok carries photos only (by media id); a file in a TikTok customer's story is left out.
        if (attachment?.type === 'file' && customer.platform === 'tiktok') continue;
        const id = `demo-history-${customer.platform}-${customer.userId}-${index}`;
        const timestamp = now - line.minutesAgo * MINUTE_MS;
        await this.webhooks.deliver(
          line.from === 'shop'
            ? shopReplyDelivery(customer, id, line.text, timestamp)
            : customerMessageDelivery(customer, {
                id,
                text: line.text,
                attachment: attachment && {
                  type: attachment.type,
                  url: this.fileUrl(attachment.name),
                  name: attachment.name,
                },
                timestamp,
              }),
        );
        delivered += 1;
      }
    }
    return delivered;
  }

  /**
   * Fills in what an agent would have typed about each customer the webhooks created (their name, a phone
   * number); never overwrites a name already there (TikTok's come with the webhook).
   */
  async nameCustomers(channels: DemoChannels): Promise<number> {
    let named = 0;
    for (const customer of await this.admin.all<ApiCustomer>('/api/customers')) {
      const cast = castMember(customer, channels);
      if (!cast || customer.name !== null) continue;
      await this.admin.call('PATCH', `/api/customers/${customer.id}`, {
        name: cast.name,
        ...(cast.phone ? { phone: cast.phone } : {}),
      });
      named += 1;
    }
    return named;
  }

  /** The demo customers the app already knows (from the history, or an earlier run). */
  async knownCustomers(channels: DemoChannels): Promise<Set<DemoCustomer>> {
    const customers = await this.admin.all<ApiCustomer>('/api/customers');
    return new Set(
      customers.map((customer) => castMember(customer, channels)).filter((cast) => cast !== undefined),
    );
  }

  /** Assignments, statuses and a few replies sent through the inbox (they go pending → sent → delivered → read). */
  async arrangeConversations(channels: DemoChannels): Promise<number> {
    const customers = await this.admin.all<ApiCustomer>('/api/customers');
    const users = await this.admin.all<ApiUser>('/api/users');
    let replies = 0;
    const replied = new Set<string>();
    for (const platform of Object.keys(channels) as DemoPlatform[]) {
      const conversations = await this.admin.all<ApiConversation>(
        `/api/conversations?channelId=${channels[platform].id}`,
      );
      const agentsHere = DEMO_AGENTS.filter((agent) => agent.platforms.includes(platform));
      for (const [position, conversation] of conversations.entries()) {
        const cast = castMember(
          customers.find((customer) => customer.id === conversation.customerId),
          channels,
        );
        if (!cast || cast.story === null) continue;
        const outcome = STORY_OUTCOMES[cast.story];
        const agent = agentsHere[position % (agentsHere.length + 1)];
        const assigneeId = agent ? users.find((user) => user.email === agent.email)?.id : undefined;
        if (assigneeId || outcome.status) {
          await this.admin.call('PATCH', `/api/conversations/${conversation.id}`, {
            ...(assigneeId ? { assigneeId } : {}),
            ...(outcome.status ? { status: outcome.status } : {}),
          });
        }
        const storyKey = `${platform}:${cast.story}`;
        if (!outcome.inboxReply || replied.has(storyKey)) continue;
        replied.add(storyKey);
        const sender = this.agents[DEMO_AGENTS.indexOf(agentsHere[0])];
        await sender.call<ApiMessage>('POST', `/api/conversations/${conversation.id}/messages`, {
          content: outcome.inboxReply,
          clientMessageId: `demo-seed-reply-${platform}-${cast.userId}`,
        });
        replies += 1;
      }
    }
    return replies;
  }

  private async ignoreConflict(create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (error) {
      if (!(error instanceof DemoApiError && error.status === HTTP_CONFLICT)) throw error;
    }
  }
}

/** The demo customer behind a customer of the app, found by the platform identity the webhook gave it. */
export function castMember(
  customer: ApiCustomer | undefined,
  channels: DemoChannels,
): DemoCustomer | undefined {
  if (!customer) return undefined;
  return DEMO_CUSTOMERS.find((cast) =>
    customer.identities.some(
      (identity) =>
        identity.channelId === channels[cast.platform].id && identity.externalUserId === cast.userId,
    ),
  );
}
