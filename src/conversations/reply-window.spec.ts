import { describe, expect, it } from '@jest/globals';
import { replyWindowOf, type ReplyWindowInputs } from './reply-window.js';

const HOUR = 60 * 60 * 1000;
const now = new Date('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const inputs = (overrides: Partial<ReplyWindowInputs>): ReplyWindowInputs => ({
  platform: 'facebook',
  lastCustomerMessageAt: ago(HOUR),
  agentMessagesSinceCustomer: 0,
  humanAgentTag: false,
  ...overrides,
});

describe('reply window', () => {
  it('facebook: open 24 h, then closed without the human-agent tag', () => {
    expect(replyWindowOf(inputs({}), now)).toEqual({
      state: 'open',
      closesAt: new Date(now.getTime() + 23 * HOUR).toISOString(),
      remaining: null,
      reason: null,
    });
    const late = replyWindowOf(inputs({ lastCustomerMessageAt: ago(25 * HOUR) }), now);
    expect(late.state).toBe('closed');
    expect(late.closesAt).toBeNull();
    expect(late.reason).toContain('24 hours');
  });

  it('facebook with the tag: tag_required from 24 h until 7 d, then closed', () => {
    const tagged = replyWindowOf(inputs({ lastCustomerMessageAt: ago(25 * HOUR), humanAgentTag: true }), now);
    expect(tagged.state).toBe('tag_required');
    expect(tagged.closesAt).toBe(new Date(now.getTime() + (7 * 24 - 25) * HOUR).toISOString());
    expect(tagged.remaining).toBeNull();
    expect(replyWindowOf(inputs({ humanAgentTag: true }), now).state).toBe('open');
    expect(replyWindowOf(inputs({ lastCustomerMessageAt: ago(7 * 24 * HOUR), humanAgentTag: true }), now)).toMatchObject({
      state: 'closed',
      closesAt: null,
    });
  });

  it('zalo: open 7 days', () => {
    expect(replyWindowOf(inputs({ platform: 'zalo', lastCustomerMessageAt: ago(6 * 24 * HOUR) }), now)).toMatchObject({
      state: 'open',
      closesAt: new Date(now.getTime() + 24 * HOUR).toISOString(),
      remaining: null,
    });
    expect(replyWindowOf(inputs({ platform: 'zalo', lastCustomerMessageAt: ago(7 * 24 * HOUR + 1) }), now).state).toBe(
      'closed',
    );
  });

  it('tiktok: open 48 h and at most 10 agent messages', () => {
    expect(replyWindowOf(inputs({ platform: 'tiktok', agentMessagesSinceCustomer: 6 }), now)).toEqual({
      state: 'open',
      closesAt: new Date(now.getTime() + 47 * HOUR).toISOString(),
      remaining: 4,
      reason: null,
    });
    const spent = replyWindowOf(inputs({ platform: 'tiktok', agentMessagesSinceCustomer: 10 }), now);
    expect(spent).toMatchObject({ state: 'closed', closesAt: null, remaining: 0 });
    expect(spent.reason).toContain('10 messages');
    const expired = replyWindowOf(inputs({ platform: 'tiktok', lastCustomerMessageAt: ago(48 * HOUR) }), now);
    expect(expired.state).toBe('closed');
    expect(expired.reason).toContain('48 hours');
  });

  it('is closed until the customer has written', () => {
    for (const platform of ['facebook', 'zalo', 'tiktok'] as const)
      expect(replyWindowOf(inputs({ platform, lastCustomerMessageAt: null }), now).state).toBe('closed');
  });
});
