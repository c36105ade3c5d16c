import type { Agent } from 'node:http';
import { facebookTextMessage, FAKE_SECRETS, signedFacebookDelivery } from '../../test/support/webhook-signing.js';
import { requestJson, requestRaw } from '../lib/http-json.js';
import type { ServerProcess } from '../lib/server-process.js';
import { sleep } from '../lib/stats.js';
import { AppTarget } from '../targets/app-target.js';
import type { StreamTarget } from '../targets/stream-target.js';

const PAGE_ID = '564738291034857';
const AGENT_PASSWORD = 'bench-agent-Password-2026';
const CONVERSATION_POLLS = 50;
const CONVERSATION_POLL_MS = 100;

/** Background typing load: `agents` agents, each reporting `typing` every `intervalMs` (staggered). */
export interface ActivityLoad {
  agents: number;
  intervalMs: number;
}

/**
 * The app with agents typing while durable events flow: at start it creates a channel, one conversation (by a
 * signed webhook), and `agents` agent users who are members of the channel; then each agent reports typing
 * every interval until stop. The streams (the admin's) see every report that is announced.
 */
export class ActivityAppTarget implements StreamTarget {
  readonly key = 'app' as const;
  readonly label: string;
  readonly eventType: string;
  readonly payloadShape;
  private readonly app = new AppTarget();
  private timers: NodeJS.Timeout[] = [];
  reports = 0;
  refused = 0;
  failed = 0;

  constructor(private readonly load: ActivityLoad) {
    this.label = `app, ${load.agents} agents typing every ${load.intervalMs / 1000} s`;
    this.eventType = this.app.eventType;
    this.payloadShape = this.app.payloadShape;
  }

  async start(): Promise<{ server: ServerProcess } | { skipped: string }> {
    const started = await this.app.start();
    if ('skipped' in started) return started;
    const channel = await this.app.request('POST', '/api/channels', {
      platform: 'facebook',
      externalId: PAGE_ID,
      name: 'bench activity page',
      credentials: FAKE_SECRETS.facebook,
    });
    const channelId = (channel.body as { id?: string } | undefined)?.id;
    if (!channelId) throw new Error(`channel: ${channel.status} ${channel.text.slice(0, 200)}`);
    const delivery = signedFacebookDelivery(facebookTextMessage({ pageId: PAGE_ID, psid: '7001', mid: 'm_bench_activity', text: 'hello' }));
    await requestRaw(this.app.port, 'POST', delivery.path, Buffer.from(delivery.body), { headers: delivery.headers });
    const conversationId = await this.conversationOf(channelId);

    const tokens: string[] = [];
    const userIds: string[] = [];
    for (let index = 0; index < this.load.agents; index++) {
      const email = `bench-agent-${index}@example.com`;
      const user = await this.app.request('POST', '/api/users', { email, name: `Agent ${index}`, password: AGENT_PASSWORD, role: 'agent' });
      userIds.push((user.body as { id: string }).id);
      const login = await requestJson(this.app.port, 'POST', '/api/auth/login', { email, password: AGENT_PASSWORD });
      tokens.push((login.body as { accessToken: string }).accessToken);
    }
    await this.app.request('PUT', `/api/channels/${channelId}/members`, { userIds });

    tokens.forEach((token, index) => {
      const report = () => {
        void requestJson(this.app.port, 'POST', `/api/conversations/${conversationId}/activity`, { kind: 'typing' }, {
          headers: { authorization: `Bearer ${token}` },
        })
          .then((response) => {
            if (response.status === 204) this.reports += 1;
            else this.refused += 1;
          })
          // A report that timed out on a loaded machine is counted, not fatal to the run (nor left unhandled).
          .catch(() => {
            this.failed += 1;
          });
      };
      const delay = (this.load.intervalMs * index) / tokens.length;
      this.timers.push(
        setTimeout(() => {
          report();
          this.timers.push(setInterval(report, this.load.intervalMs));
        }, delay),
      );
    });
    return started;
  }

  /** The webhook's conversation, once ingestion has stored it. */
  private async conversationOf(channelId: string): Promise<string> {
    for (let attempt = 0; attempt < CONVERSATION_POLLS; attempt++) {
      const conversations = await this.app.request('GET', `/api/conversations?channelId=${channelId}`);
      const id = (conversations.body as { items?: Array<{ id: string }> } | undefined)?.items?.[0]?.id;
      if (id) return id;
      await sleep(CONVERSATION_POLL_MS);
    }
    throw new Error('the webhook made no conversation');
  }

  streamRequest(): { path: string; headers: Record<string, string> } {
    return this.app.streamRequest();
  }

  publish(seq: number, agent: Agent): Promise<void> {
    return this.app.publish(seq, agent);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    await this.app.stop();
  }

  dispose(): void {
    this.app.dispose();
  }
}
