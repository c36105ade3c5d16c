import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createUser, signupWorkspace, type Session } from '../support/fixtures.js';
import { createChannel, setChannelMembers } from '../support/inbox-fixtures.js';
import { commitCustomerCreated, commitEvents } from '../support/realtime-helpers.js';
import { openSse, type SseReader } from '../support/sse-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The messages' and customers' names a stream saw (channel_* events announce access changes, not content). */
function names(reader: SseReader): string[] {
  return reader
    .events()
    .filter((frame) => !frame.event?.startsWith('channel_'))
    .map(
      (frame) =>
        (JSON.parse(frame.data!) as { content?: string; name?: string }).content ??
        JSON.parse(frame.data!).name,
    );
}

describe('visibility at the moment of delivery', () => {
  let t: TestApp;
  let admin: Session;
  let agentA: Session;
  let agentB: Session;
  let channelA: string;
  let channelB: string;

  async function messageIn(channelId: string, content: string): Promise<void> {
    const conversationId = randomUUID();
    await commitEvents(t, [
      {
        name: 'message.received',
        scope: { workspaceId: admin.user.workspaceId, channelId, conversationId },
        data: {
          id: randomUUID(),
          conversationId,
          sender: 'customer',
          senderUserId: null,
          content,
          attachments: [],
          sentAt: new Date().toISOString(),
          platformMessageId: `mid-${content}`,
          status: 'received',
          error: null,
          clientMessageId: null,
        },
      },
    ]);
  }

  async function open(session: Session): Promise<SseReader> {
    const reader = await openSse(`${t.baseUrl}/api/events/stream`, session.auth);
    await reader.waitFor((frames) => frames.length >= 1);
    return reader;
  }

  /** Commits a marker every stream of the workspace sees, and waits until `readers` have it: anything sent before has arrived. */
  async function settle(readers: SseReader[]): Promise<void> {
    const marker = `marker-${randomUUID()}`;
    await commitCustomerCreated(t, admin.user.workspaceId, marker);
    await Promise.all(readers.map((reader) => reader.waitFor(() => names(reader).includes(marker))));
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signupWorkspace(t);
    agentA = await createUser(t, admin, 'agent');
    agentB = await createUser(t, admin, 'agent');
    channelA = (await createChannel(t, admin)).id;
    channelB = (await createChannel(t, admin, { platform: 'zalo' })).id;
    await setChannelMembers(t, admin, channelA, [agentA.user.id]);
    await setChannelMembers(t, admin, channelB, [agentB.user.id]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('agents get their channels’ events and workspace-wide customer events only; admins get all', async () => {
    const [adminStream, streamA, streamB] = await Promise.all([open(admin), open(agentA), open(agentB)]);
    try {
      await messageIn(channelA, 'in A');
      await messageIn(channelB, 'in B');
      await settle([adminStream, streamA, streamB]);
      expect(names(adminStream).filter((name) => name.startsWith('in '))).toEqual(['in A', 'in B']);
      expect(names(streamA).filter((name) => name.startsWith('in '))).toEqual(['in A']);
      expect(names(streamB).filter((name) => name.startsWith('in '))).toEqual(['in B']);
      expect(streamA.text()).not.toContain('in B');

      const forA = (
        await t.http().get('/api/events?after=0&types=new_message&limit=100').set(agentA.auth).expect(200)
      ).body.items;
      expect(forA.map((item: { data: { content: string } }) => item.data.content)).toEqual(['in A']);
      const forAdmin = (
        await t.http().get('/api/events?after=0&types=new_message&limit=100').set(admin.auth).expect(200)
      ).body.items;
      expect(forAdmin.map((item: { data: { content: string } }) => item.data.content)).toEqual([
        'in A',
        'in B',
      ]);
    } finally {
      [adminStream, streamA, streamB].forEach((reader) => reader.close());
    }
  });

  it('membership changes apply to open streams at once, in order with the events', async () => {
    const [streamA, streamB] = await Promise.all([open(agentA), open(agentB)]);
    try {
      await messageIn(channelA, 'before removal');
      await setChannelMembers(t, admin, channelA, [agentB.user.id]);
      await messageIn(channelA, 'after removal');
      await settle([streamA, streamB]);
      expect(names(streamA).filter((name) => !name.startsWith('marker'))).toEqual(['before removal']);
      expect(names(streamB).filter((name) => !name.startsWith('marker'))).toEqual(['after removal']);
      // Never leaks the old channel's events through the catch-up API either.
      const forA = (
        await t.http().get('/api/events?after=0&types=new_message&limit=100').set(agentA.auth).expect(200)
      ).body.items;
      expect(forA).toEqual([]);
    } finally {
      streamA.close();
      streamB.close();
      await setChannelMembers(t, admin, channelA, [agentA.user.id]);
    }
  });

  it('deleting a channel stops its events for the agents who had it', async () => {
    const extra = (await createChannel(t, admin, { platform: 'tiktok' })).id;
    await setChannelMembers(t, admin, extra, [agentA.user.id]);
    const streamA = await open(agentA);
    try {
      await messageIn(extra, 'extra before delete');
      await t
        .http()
        .delete(`/api/channels/${extra}`)
        .set(admin.auth)
        .expect((response) => expect([200, 204]).toContain(response.status));
      await messageIn(extra, 'extra after delete');
      await settle([streamA]);
      expect(names(streamA).filter((name) => name.startsWith('extra'))).toEqual(['extra before delete']);
    } finally {
      streamA.close();
    }
  });

  it('deleting or demoting a user closes their streams; a deleted user cannot come back', async () => {
    const doomed = await createUser(t, admin, 'agent');
    const demoted = await createUser(t, admin, 'admin');
    const doomedStream = await open(doomed);
    const demotedStream = await open(demoted);
    await t.http().delete(`/api/users/${doomed.user.id}`).set(admin.auth).expect(204);
    await t.http().patch(`/api/users/${demoted.user.id}`).set(admin.auth).send({ role: 'agent' }).expect(200);
    await Promise.all([doomedStream.ended, demotedStream.ended]);
    const again = await openSse(`${t.baseUrl}/api/events/stream`, doomed.auth);
    await again.ended;
    expect(again.status).toBe(401);
    // The demoted user reconnects and now sees only its (no) channels.
    const demotedAgain = await open(demoted);
    try {
      await messageIn(channelA, 'admins only now');
      await settle([demotedAgain]);
      expect(names(demotedAgain)).not.toContain('admins only now');
    } finally {
      demotedAgain.close();
    }
  });
});
