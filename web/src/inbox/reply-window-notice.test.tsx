import { describe, expect, it } from 'vitest';
import { channel, conversation } from '../test/fixtures';
import { replyWindowNotice } from './reply-window-notice';

const now = new Date('2026-01-01T10:00:00.000Z');
const later = (hours: number) => new Date(now.getTime() + hours * 3600_000).toISOString();

describe('reply window notice', () => {
  it('says how long the window stays open', () => {
    const open = conversation({
      replyWindow: { state: 'open', closesAt: later(3.5), remaining: null, reason: null },
    });
    expect(replyWindowNotice(open, channel(), now)).toEqual({ text: 'Window closes in 3 h', blocked: false });
  });

  it('counts the human-agent days and TikTok messages left', () => {
    const tagged = conversation({
      replyWindow: { state: 'tag_required', closesAt: later(5 * 24 + 2), remaining: null, reason: 'tag' },
    });
    expect(replyWindowNotice(tagged, channel(), now)?.text).toBe('Human-agent tag: 5 days left');
    const tiktok = conversation({
      platform: 'tiktok',
      replyWindow: { state: 'open', closesAt: later(40), remaining: 4, reason: null },
    });
    expect(replyWindowNotice(tiktok, channel(), now)?.text).toBe('TikTok: 4 of 10 messages left');
  });

  it('blocks Send with the reason when closed, and says why replies wait on a broken channel', () => {
    const closed = conversation({
      replyWindow: {
        state: 'closed',
        closesAt: null,
        remaining: null,
        reason: 'Zalo allows replies only within 7 days',
      },
    });
    expect(replyWindowNotice(closed, channel(), now)).toEqual({
      text: 'Zalo allows replies only within 7 days',
      blocked: true,
    });
    const open = conversation({
      replyWindow: { state: 'open', closesAt: later(1.5), remaining: null, reason: null },
    });
    const broken = channel({ status: 'needs_reconnect', statusReason: 'Zalo refused the token refresh' });
    expect(replyWindowNotice(open, broken, now)?.text).toBe(
      'Window closes in 1 h · Replies wait until the channel is reconnected: Zalo refused the token refresh',
    );
  });
});
