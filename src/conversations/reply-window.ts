import type { Platform } from '../channels/entities/channel.entity.js';

/**
 * The platforms' reply windows, counted from the customer's last message (platforms.md: echoes never reopen
 * a window). Pure: the same inputs and clock give the same answer, for views, the send check and the sender.
 */
export type ReplyWindowState = 'open' | 'tag_required' | 'closed';

export interface ReplyWindow {
  state: ReplyWindowState;
  /** The next change of state; null when closed. */
  closesAt: string | null;
  /** TikTok: agent messages still allowed before the customer writes again; null elsewhere. */
  remaining: number | null;
  /** Why the window is closed or needs the tag; null when simply open. */
  reason: string | null;
}

export interface ReplyWindowInputs {
  platform: Platform;
  lastCustomerMessageAt: Date | null;
  /** Agent messages (sent here or elsewhere, not failed) since the customer's last message. */
  agentMessagesSinceCustomer: number;
  /** The channel may send Facebook's HUMAN_AGENT tag. */
  humanAgentTag: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const FACEBOOK_STANDARD_WINDOW_MS = DAY_MS;
export const FACEBOOK_HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;
export const ZALO_WINDOW_MS = 7 * DAY_MS;
export const TIKTOK_WINDOW_MS = 2 * DAY_MS;
export const TIKTOK_MAX_MESSAGES_PER_WINDOW = 10;

const NOT_STARTED = 'The customer has not written yet: the platform allows replies only after a customer message';

function open(until: number, remaining: number | null = null): ReplyWindow {
  return { state: 'open', closesAt: new Date(until).toISOString(), remaining, reason: null };
}

function closed(reason: string, remaining: number | null = null): ReplyWindow {
  return { state: 'closed', closesAt: null, remaining, reason };
}

export function replyWindowOf(inputs: ReplyWindowInputs, now: Date): ReplyWindow {
  const tiktokRemaining =
    inputs.platform === 'tiktok'
      ? Math.max(0, TIKTOK_MAX_MESSAGES_PER_WINDOW - inputs.agentMessagesSinceCustomer)
      : null;
  if (!inputs.lastCustomerMessageAt) return closed(NOT_STARTED, tiktokRemaining);
  const since = inputs.lastCustomerMessageAt.getTime();
  const elapsed = now.getTime() - since;
  switch (inputs.platform) {
    case 'facebook':
      if (elapsed < FACEBOOK_STANDARD_WINDOW_MS) return open(since + FACEBOOK_STANDARD_WINDOW_MS);
      if (!inputs.humanAgentTag)
        return closed(
          "Facebook allows replies only within 24 hours of the customer's last message (the human-agent tag, when enabled on the channel, extends this to 7 days)",
        );
      if (elapsed < FACEBOOK_HUMAN_AGENT_WINDOW_MS)
        return {
          state: 'tag_required',
          closesAt: new Date(since + FACEBOOK_HUMAN_AGENT_WINDOW_MS).toISOString(),
          remaining: null,
          reason: 'More than 24 hours since the customer wrote: replies go out with the HUMAN_AGENT tag',
        };
      return closed("Facebook allows human-agent replies only within 7 days of the customer's last message");
    case 'zalo':
      if (elapsed < ZALO_WINDOW_MS) return open(since + ZALO_WINDOW_MS);
      return closed("Zalo allows replies only within 7 days of the customer's last interaction");
    case 'tiktok':
      if (elapsed >= TIKTOK_WINDOW_MS)
        return closed("TikTok allows replies only within 48 hours of the customer's last message", tiktokRemaining);
      if (tiktokRemaining === 0)
        return closed(
          `TikTok allows at most ${TIKTOK_MAX_MESSAGES_PER_WINDOW} messages until the customer writes again`,
          0,
        );
      return open(since + TIKTOK_WINDOW_MS, tiktokRemaining);
  }
}
