import { describe, expect, it } from '@jest/globals';
import { MessagesRepository } from '../../src/messages/messages.repository.js';
import { signupWorkspace } from '../support/fixtures.js';
import {
  db,
  waitFor,
  waitForMessageStatus,
  workspaceEvents,
  type Loose,
} from '../platforms/platform-test-helpers.js';
import { lateSuccess, replyOnNewThread, statusEvents, useMediumApp } from './medium-helpers.js';

/** The outbound sender on the real database: claims, the rows each answer writes, and the events it logs. */
describe('outbound sender (medium)', () => {
  const context = useMediumApp();

  async function messageRow(id: string): Promise<Loose> {
    const [row] = await db(context.t).query(
      `SELECT *, extract(epoch FROM next_attempt_at - now()) AS due_in_seconds
         FROM messages WHERE id = $1`,
      [id],
    );
    return row;
  }

  it('claims a due reply under a lease no other claim takes, then records the send answer as sent', async () => {
    const { t, fake } = context;
    const answer = lateSuccess(context, 'facebook', 800);
    const { channel, messageId } = await replyOnNewThread(context, 'facebook', 'leased reply', answer);

    const claimed = await messageRow(messageId);
    expect(claimed).toMatchObject({ status: 'pending', send_attempts: 1, platform_message_id: null });
    expect(Number(claimed.due_in_seconds)).toBeGreaterThan(30);
    const messages = t.app.get(MessagesRepository);
    expect(await messages.claimDueOutbound(10, 60)).toEqual([]);
    // A write naming another workspace leaves the claimed message alone.
    const stranger = await signupWorkspace(t, 'Another workspace');
    await db(t).transaction(async (manager) => {
      expect(await messages.markFailed(manager, stranger.user.workspaceId, messageId, 'nope')).toBeNull();
      expect(await messages.markSent(manager, stranger.user.workspaceId, messageId, 'm_wrong')).toBeNull();
    });

    const sent = await waitForMessageStatus(t, messageId, ['sent']);
    const [request] = fake.requests('facebook');
    expect(request.body.message).toMatchObject({ text: 'leased reply', metadata: `crm:${messageId}` });
    expect(sent).toMatchObject({ send_attempts: 1, next_attempt_at: null, error: null });
    expect(sent.platform_message_id).toBe((answer as { body: { message_id: string } }).body.message_id);
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending', 'sent']);
    const [event] = (await workspaceEvents(t, channel.workspaceId)).filter(
      (logged) =>
        logged.type === 'message_sent' && logged.data.id === messageId && logged.data.status === 'sent',
    );
    expect(event).toMatchObject({
      channelId: channel.id,
      data: { platformMessageId: sent.platform_message_id },
    });
  });

  it('marks a refused reply failed with a readable error and one failed event', async () => {
    const { t, fake } = context;
    const { channel, messageId } = await replyOnNewThread(
      context,
      'zalo',
      'refused reply',
      fake.replies.zalo.permanent(),
    );

    const failed = await waitForMessageStatus(t, messageId, ['failed']);
    expect(failed).toMatchObject({ send_attempts: 1, next_attempt_at: null, platform_message_id: null });
    expect(failed.error).toEqual(expect.stringContaining('7 days'));
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending', 'failed']);
    const events = await workspaceEvents(t, channel.workspaceId);
    expect(
      events.find((event) => event.data.id === messageId && event.data.status === 'failed')?.data.error,
    ).toBe(failed.error);
  });

  it('reschedules a transient failure without an event, then sends it on the retry', async () => {
    const { t, fake } = context;
    const { channel, messageId } = await replyOnNewThread(
      context,
      'tiktok',
      'retried reply',
      fake.replies.tiktok.transient(),
    );

    const rescheduled = await waitFor(async () => {
      const row = await messageRow(messageId);
      // Rescheduled after the backoff (about a second), no longer held for the claim's lease.
      return row.status === 'pending' && Number(row.due_in_seconds) < 30 ? row : null;
    });
    expect(rescheduled.send_attempts).toBe(1);
    expect(rescheduled.error).toBeNull();
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending']);

    const sent = await waitForMessageStatus(t, messageId, ['sent']);
    expect(sent.send_attempts).toBe(2);
    expect(fake.requests('tiktok')).toHaveLength(2);
    expect(await statusEvents(context, channel.workspaceId, messageId)).toEqual(['pending', 'sent']);
  });
});
