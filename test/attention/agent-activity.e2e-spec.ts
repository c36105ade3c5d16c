import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { createInbox, setChannelMembers, type Inbox } from '../support/inbox-fixtures.js';
import { commitCustomerCreated, sleep } from '../support/realtime-helpers.js';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { EPHEMERAL_HOLD_MS } from '../../src/realtime/ephemeral/ephemeral-hold.js';
import { dataOf, framesOf } from './attention-helpers.js';

/** Long enough that a repeat right after a delivered report is coalesced (the margin includes the hold). */
const TTL_MS = 4000;

interface Activity {
  conversationId: string;
  userId: string;
  name: string;
  kind: string;
  expiresAt: string;
}

describe('agent activity (ephemeral, across instances)', () => {
  let one: TestApp;
  let two: TestApp;
  let admin: Session;
  let reporter: Session;
  let colleague: Session;
  let outsider: Session;
  let inbox: Inbox;

  async function stream(t: TestApp, session: Session, query = '', headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = await openSse(`${t.baseUrl}/api/events/stream${query}`, { ...session.auth, ...headers });
    await reader.waitFor((frames) => frames.some((frame) => frame.event === 'connected'));
    return reader;
  }

  function report(t: TestApp, session: Session, kind: string, conversationId = inbox.conversation.id) {
    return t.http().post(`/api/conversations/${conversationId}/activity`).set(session.auth).send({ kind });
  }

  beforeAll(async () => {
    const env = { ACTIVITY_TTL_MS: String(TTL_MS) };
    one = await startTestApp({ env });
    two = await startTestApp({ databaseUrl: one.databaseUrl, env });
    admin = await signupWorkspace(one);
    reporter = await createUser(one, admin, 'agent');
    colleague = await createUser(one, admin, 'agent');
    outsider = await createUser(one, admin, 'agent');
    inbox = await createInbox(one, admin, { messageCount: 1 });
    await setChannelMembers(one, admin, inbox.channel.id, [reporter.user.id, colleague.user.id]);
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('reaches the others who see the conversation on another instance, without id, and is never replayed', async () => {
    const colleagueStream = await stream(two, colleague);
    const adminFiltered = await stream(two, admin, `?conversationId=${inbox.conversation.id}`);
    const typesOnly = await stream(two, admin, '?types=new_message');
    const outsiderStream = await stream(two, outsider);
    const ownStream = await stream(two, reporter);
    const readers = [colleagueStream, adminFiltered, typesOnly, outsiderStream, ownStream];
    try {
      const started = Date.now();
      await report(one, reporter, 'typing').expect(204);
      await colleagueStream.waitFor(() => framesOf(colleagueStream, 'agent_activity').length === 1, 2000);
      await adminFiltered.waitFor(() => framesOf(adminFiltered, 'agent_activity').length === 1, 2000);
      const [frame] = framesOf(colleagueStream, 'agent_activity');
      expect(frame.id).toBeUndefined();
      expect(frame.raw).not.toMatch(/^id:/m);
      const activity = dataOf<Activity>(frame);
      expect(activity).toEqual({
        conversationId: inbox.conversation.id,
        userId: reporter.user.id,
        name: reporter.user.name,
        kind: 'typing',
        expiresAt: expect.any(String),
      });
      const expiresIn = Date.parse(activity.expiresAt) - started;
      expect(expiresIn).toBeGreaterThan(TTL_MS - 500);
      expect(expiresIn).toBeLessThan(TTL_MS + 1500);

      // A repeat within the TTL is coalesced; idle is always sent.
      await report(one, reporter, 'typing').expect(204);
      await report(one, reporter, 'idle').expect(204);
      await colleagueStream.waitFor(() => framesOf(colleagueStream, 'agent_activity').length === 2, 2000);
      expect(framesOf(colleagueStream, 'agent_activity').map((item) => dataOf<Activity>(item).kind)).toEqual(['typing', 'idle']);

      // A durable marker everyone sees: whatever activity was sent has arrived by then.
      await commitCustomerCreated(one, admin.user.workspaceId, 'marker');
      await Promise.all([colleagueStream, outsiderStream, ownStream].map((reader) => reader.waitFor(() => framesOf(reader, 'customer_created').length === 1)));
      await sleep(300);
      expect(framesOf(outsiderStream, 'agent_activity')).toHaveLength(0);
      expect(framesOf(ownStream, 'agent_activity')).toHaveLength(0);
      expect(framesOf(typesOnly, 'agent_activity')).toHaveLength(0);

      const lastId = framesOf(colleagueStream, 'customer_created')[0].id!;
      const resumed = await stream(one, colleague, '', { 'Last-Event-ID': String(Number(lastId) - 1) });
      await resumed.waitFor(() => framesOf(resumed, 'customer_created').length === 1);
      await sleep(200);
      expect(framesOf(resumed, 'agent_activity')).toHaveLength(0);
      resumed.close();
      const log = await one.http().get(`/api/events?after=0`).set(admin.auth).expect(200);
      expect(JSON.stringify(log.body)).not.toContain('agent_activity');
    } finally {
      for (const reader of readers) reader.close();
    }
  });

  it('refreshes a repeated report before it expires', async () => {
    const colleagueStream = await stream(one, colleague, '?types=agent_activity');
    try {
      for (let index = 0; index < 5; index++) {
        await report(two, reporter, 'viewing').expect(204);
        await sleep(TTL_MS / 4);
      }
      // Five reports over 1.25 TTL: the first, and one refresh once half the TTL had passed.
      const kinds = framesOf(colleagueStream, 'agent_activity').map((item) => dataOf<Activity>(item).kind);
      expect(kinds.length).toBeGreaterThanOrEqual(2);
      expect(kinds.length).toBeLessThan(5);
      expect(new Set(kinds)).toEqual(new Set(['viewing']));
      await report(two, reporter, 'idle').expect(204);
    } finally {
      colleagueStream.close();
    }
  });

  it('does not re-send a repeat within the window; a change of kind or idle is sent at once, on the other instance', async () => {
    const colleagueStream = await stream(two, colleague, '?types=agent_activity');
    const kinds = () => framesOf(colleagueStream, 'agent_activity').map((item) => dataOf<Activity>(item).kind);
    try {
      await report(one, reporter, 'typing').expect(204);
      await colleagueStream.waitFor(() => kinds().length === 1, 2000);
      // Repeats right away: the announced copy holds far beyond the next repeat, so none is NOTIFYed.
      await report(one, reporter, 'typing').expect(204);
      await report(one, reporter, 'typing').expect(204);
      const changed = Date.now();
      await report(one, reporter, 'viewing').expect(204);
      await colleagueStream.waitFor(() => kinds().length === 2, 2000);
      expect(Date.now() - changed).toBeLessThan(1500);
      await report(one, reporter, 'viewing').expect(204);
      const idled = Date.now();
      await report(one, reporter, 'idle').expect(204);
      await colleagueStream.waitFor(() => kinds().length === 3, 2000);
      expect(Date.now() - idled).toBeLessThan(1500);
      // Nothing else trails behind: the coalesced repeats were never sent.
      await sleep(800);
      expect(kinds()).toEqual(['typing', 'viewing', 'idle']);
    } finally {
      colleagueStream.close();
    }
  });

  it('with no durable traffic, reaches the other instance within 2 s, once the hold runs out', async () => {
    const colleagueStream = await stream(two, colleague);
    try {
      const started = Date.now();
      await report(one, reporter, 'viewing').expect(204);
      await colleagueStream.waitFor(() => framesOf(colleagueStream, 'agent_activity').length === 1, 2000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(2000);
      // Held for a durable write that never came (the timer may take a deadline a few ms early with another).
      expect(elapsed).toBeGreaterThanOrEqual(EPHEMERAL_HOLD_MS - 50);
      await report(one, reporter, 'idle').expect(204);
      await colleagueStream.waitFor(() => framesOf(colleagueStream, 'agent_activity').length === 2, 2000);
    } finally {
      colleagueStream.close();
    }
  });

  it('joins the next durable write to the stream: one socket write carries both, the activity first', async () => {
    const colleagueStream = await stream(two, colleague);
    try {
      const started = Date.now();
      await report(one, reporter, 'typing').expect(204);
      await sleep(100);
      expect(framesOf(colleagueStream, 'agent_activity')).toHaveLength(0);
      await commitCustomerCreated(one, admin.user.workspaceId, 'joined');
      await colleagueStream.waitFor(() => framesOf(colleagueStream, 'customer_created').length === 1, 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      const read = colleagueStream.socketReads().find((text) => text.includes('event: customer_created'))!;
      expect(read).toContain('event: agent_activity');
      expect(read.indexOf('event: agent_activity')).toBeLessThan(read.indexOf('event: customer_created'));
      expect(framesOf(colleagueStream, 'agent_activity').map((frame) => dataOf<Activity>(frame).kind)).toEqual(['typing']);
      await report(one, reporter, 'idle').expect(204);
    } finally {
      colleagueStream.close();
    }
  });

  it('limits reports to 5 a second (idle never refused), rejects unknown kinds and invisible conversations', async () => {
    await sleep(1100);
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) statuses.push((await report(one, colleague, 'viewing')).status);
    expect(statuses.slice(0, 5)).toEqual([204, 204, 204, 204, 204]);
    const limited = await report(one, colleague, 'typing');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await report(one, colleague, 'idle').expect(204);

    await report(one, outsider, 'viewing').expect(404);
    await report(one, colleague, 'dancing').expect(400);
    await one.http().post(`/api/conversations/${inbox.conversation.id}/activity`).set(colleague.auth).send({ kind: 'idle', extra: 1 }).expect(400);
  });

  it('refuses a reporter removed from the channel as soon as the change reaches the instance, though it answered before', async () => {
    await setChannelMembers(one, admin, inbox.channel.id, [reporter.user.id, colleague.user.id, outsider.user.id]);
    const allowed = async () => (await report(two, outsider, 'idle')).status;
    for (let attempt = 0; attempt < 40 && (await allowed()) !== 204; attempt++) await sleep(50);
    await report(two, outsider, 'idle').expect(204);
    await setChannelMembers(one, admin, inbox.channel.id, [reporter.user.id, colleague.user.id]);
    // Well within the 60 s a remembered answer would otherwise hold.
    let status = await allowed();
    for (let attempt = 0; attempt < 40 && status !== 404; attempt++) {
      await sleep(50);
      status = await allowed();
    }
    expect(status).toBe(404);
  });
});
