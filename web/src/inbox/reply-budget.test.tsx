import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/models';
import * as composer from '../test/composer-console';
import { json } from '../test/fake-api';
import { FakeXhr } from '../test/fake-xhr';
import { replyBudgetProblem, replyPartCount } from './reply-budget';

type ReplyWindow = Conversation['replyWindow'];

const CLOSES_AT = '2026-01-02T10:00:00.000Z';
const tiktokWindow = (remaining: number): ReplyWindow => ({
  state: 'open',
  closesAt: CLOSES_AT,
  remaining,
  reason: null,
});

describe('reply budget', () => {
  it('counts the text and each attachment as one platform message', () => {
    expect(replyPartCount('Hello', 0)).toBe(1);
    expect(replyPartCount('Hello', 2)).toBe(3);
    expect(replyPartCount('  \n', 2)).toBe(2);
    expect(replyPartCount('', 0)).toBe(0);
  });

  it("says so when a TikTok draft needs more than the window's remaining messages", () => {
    expect(replyBudgetProblem('tiktok', tiktokWindow(2), 3)).toBe(
      'This goes out as 3 messages; TikTok allows 2 more until the customer writes',
    );
    expect(replyBudgetProblem('tiktok', tiktokWindow(1), 2)).toBe(
      'This goes out as 2 messages; TikTok allows 1 more until the customer writes',
    );
    expect(replyBudgetProblem('tiktok', tiktokWindow(2), 2)).toBeNull();
  });

  it('has nothing to say without a count: other platforms, a closed window, no conversation yet', () => {
    const uncounted: ReplyWindow = { state: 'open', closesAt: CLOSES_AT, remaining: null, reason: null };
    expect(replyBudgetProblem('facebook', uncounted, 11)).toBeNull();
    expect(replyBudgetProblem('tiktok', uncounted, 11)).toBeNull();
    const spent: ReplyWindow = {
      state: 'closed',
      closesAt: null,
      remaining: 0,
      reason: 'TikTok allows at most 10',
    };
    expect(replyBudgetProblem('tiktok', spent, 1)).toBeNull();
    expect(replyBudgetProblem('tiktok', undefined, 11)).toBeNull();
  });
});

const overBudget = (): HTMLElement | null => screen.queryByTestId('send-over-budget');

/** Two photos chosen and stored: with a text, a reply of three platform messages. */
async function attachTwoPhotos(): Promise<void> {
  await composer.choose(composer.file('front.png', 'image/png'), composer.file('back.png', 'image/png'));
  const [front, back] = FakeXhr.instances;
  await composer.stored(front, 'up-1');
  await composer.stored(back, 'up-2');
}

composer.installComposerConsole();

// Whole-console tests: a busy machine can take longer than the default 5 s.
describe("the composer and TikTok's message budget", { timeout: 20_000 }, () => {
  it('says how many messages are left, and disables Send while the draft needs more', async () => {
    composer.setUpConsole('tiktok', { replyWindow: tiktokWindow(2) });
    await composer.openThread();
    expect(screen.getByTestId('reply-window-notice')).toHaveTextContent('TikTok: 2 of 10 messages left');
    await userEvent.type(screen.getByLabelText('Reply'), 'Front and back');
    expect(overBudget()).toBeNull();
    await attachTwoPhotos();

    expect(overBudget()).toHaveTextContent(
      'This goes out as 3 messages; TikTok allows 2 more until the customer writes',
    );
    expect(composer.sendButton()).toBeDisabled();
    expect(composer.sendButton()).toHaveAccessibleDescription(
      'This goes out as 3 messages; TikTok allows 2 more until the customer writes',
    );
    await userEvent.type(screen.getByLabelText('Reply'), '{Enter}');
    expect(composer.posts()).toHaveLength(0);

    // Without the text the two photos fit.
    await userEvent.clear(screen.getByLabelText('Reply'));
    expect(overBudget()).toBeNull();
    expect(composer.sendButton()).toBeEnabled();
    await userEvent.click(composer.sendButton());
    await waitFor(() => expect(composer.posts()).toHaveLength(1));
    expect(composer.posts()[0].body).toMatchObject({ attachmentIds: ['up-1', 'up-2'] });
  });

  it('follows the count live as conversation_updated brings it', async () => {
    composer.setUpConsole('tiktok', { replyWindow: tiktokWindow(5) });
    const source = await composer.openThread();
    let eventId = 6;
    /** The conversation's reply window as the stream brings it. */
    const windowChanges = (remaining: number): void =>
      act(() => {
        const changed = { ...composer.composerConsole.chat, replyWindow: tiktokWindow(remaining) };
        source.emit('conversation_updated', changed, String((eventId += 1)));
      });
    await userEvent.type(screen.getByLabelText('Reply'), 'Front and back');
    await attachTwoPhotos();
    expect(composer.sendButton()).toBeEnabled();

    // Another agent's replies spend the budget: 2 left, this draft needs 3.
    windowChanges(2);
    await waitFor(() => expect(screen.getByTestId('reply-window-notice')).toHaveTextContent('2 of 10'));
    expect(overBudget()).toHaveTextContent('TikTok allows 2 more until the customer writes');
    expect(composer.sendButton()).toBeDisabled();

    // The customer writes again: the window starts over.
    windowChanges(10);
    await waitFor(() => expect(overBudget()).toBeNull());
    expect(composer.sendButton()).toBeEnabled();
  });

  it("keeps the draft and shows the server's 422 when the count was stale", async () => {
    composer.setUpConsole('tiktok', { replyWindow: tiktokWindow(3) });
    await composer.openThread();
    await userEvent.type(screen.getByLabelText('Reply'), 'Front and back');
    await attachTwoPhotos();
    expect(composer.sendButton()).toBeEnabled();

    const refusal =
      'This reply goes out as 3 messages (its text and each attachment), but TikTok allows only 1 message more ' +
      'until the customer writes again';
    composer.composerConsole.sendAnswer = () =>
      json({ statusCode: 422, error: 'Unprocessable Entity', message: refusal }, 422);
    await userEvent.click(composer.sendButton());
    expect(await screen.findByTestId('send-refused')).toHaveTextContent(`Not sent: ${refusal}`);
    expect(composer.posts()[0].body).toMatchObject({
      content: 'Front and back',
      attachmentIds: ['up-1', 'up-2'],
    });
    expect(screen.getByLabelText('Reply')).toHaveValue('Front and back');
    expect(composer.chips()).toHaveLength(2);
    expect(screen.queryAllByTestId('message').filter((li) => li.dataset.status === 'failed')).toHaveLength(0);
  });

  it('counts nothing where the platform has no cap', async () => {
    await composer.openThread();
    await userEvent.type(screen.getByLabelText('Reply'), 'Front and back');
    await attachTwoPhotos();
    expect(overBudget()).toBeNull();
    expect(composer.sendButton()).toBeEnabled();
  });
});
