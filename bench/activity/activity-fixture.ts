import { Agent } from 'node:http';
import { facebookTextMessage, FAKE_SECRETS, signedFacebookDelivery } from '../../test/support/webhook-signing.js';
import { requestJson, requestRaw } from '../lib/http-json.js';
import { sleep } from '../lib/stats.js';
import type { AppTarget } from '../targets/app-target.js';

const PAGE_ID = '564738291034857';
const AGENT_PASSWORD = 'bench-agent-Password-2026';
const CONVERSATION_POLLS = 50;
const CONVERSATION_POLL_MS = 100;

/** One conversation and the signed-in agents who may report on it. */
export interface ActivityFixture {
  conversationId: string;
  /** One access token per agent. */
  tokens: string[];
  /**
   * One keep-alive connection per agent, as a browser keeps its connection to the API between reports (the
   * durable publisher does the same); destroy them when done.
   */
  connections: Agent[];
}

/**
 * On a started app: a channel, one conversation (by a signed webhook), and `agents` agent users who are
 * members of the channel, each signed in.
 */
export async function setUpActivityFixture(app: AppTarget, agents: number): Promise<ActivityFixture> {
  const channel = await app.request('POST', '/api/channels', {
    platform: 'facebook',
    externalId: PAGE_ID,
    name: 'bench activity page',
    credentials: FAKE_SECRETS.facebook,
  });
  const channelId = (channel.body as { id?: string } | undefined)?.id;
  if (!channelId) throw new Error(`channel: ${channel.status} ${channel.text.slice(0, 200)}`);
  const delivery = signedFacebookDelivery(facebookTextMessage({ pageId: PAGE_ID, psid: '7001', mid: 'm_bench_activity', text: 'hello' }));
  await requestRaw(app.port, 'POST', delivery.path, Buffer.from(delivery.body), { headers: delivery.headers });
  const conversationId = await conversationOf(app, channelId);

  const tokens: string[] = [];
  const userIds: string[] = [];
  for (let index = 0; index < agents; index++) {
    const email = `bench-agent-${index}@example.com`;
    const user = await app.request('POST', '/api/users', { email, name: `Agent ${index}`, password: AGENT_PASSWORD, role: 'agent' });
    userIds.push((user.body as { id: string }).id);
    const login = await requestJson(app.port, 'POST', '/api/auth/login', { email, password: AGENT_PASSWORD });
    tokens.push((login.body as { accessToken: string }).accessToken);
  }
  await app.request('PUT', `/api/channels/${channelId}/members`, { userIds });
  return { conversationId, tokens, connections: tokens.map(() => new Agent({ keepAlive: true, maxSockets: 1 })) };
}

/** The webhook's conversation, once ingestion has stored it. */
async function conversationOf(app: AppTarget, channelId: string): Promise<string> {
  for (let attempt = 0; attempt < CONVERSATION_POLLS; attempt++) {
    const conversations = await app.request('GET', `/api/conversations?channelId=${channelId}`);
    const id = (conversations.body as { items?: Array<{ id: string }> } | undefined)?.items?.[0]?.id;
    if (id) return id;
    await sleep(CONVERSATION_POLL_MS);
  }
  throw new Error('the webhook made no conversation');
}

/** Calls `send(index)` for each of `count` senders every `intervalMs`, staggered over the interval; returns stop. */
export function everyInterval(count: number, intervalMs: number, send: (index: number) => void): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (let index = 0; index < count; index++) {
    timers.push(
      setTimeout(() => {
        send(index);
        timers.push(setInterval(() => send(index), intervalMs));
      }, (intervalMs * index) / count),
    );
  }
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}
