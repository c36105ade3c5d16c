import type { Channel, Conversation } from '../api/models';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function timeLeft(closesAt: string, now: Date): string {
  const left = Math.max(0, Date.parse(closesAt) - now.getTime());
  if (left >= 2 * DAY_MS) return `${Math.floor(left / DAY_MS)} days`;
  if (left >= HOUR_MS) return `${Math.floor(left / HOUR_MS)} h`;
  return `${Math.max(1, Math.floor(left / 60_000))} min`;
}

/** What the composer says about the reply window and the channel's health; `blocked` disables Send. */
export function replyWindowNotice(
  conversation: Conversation,
  channel: Channel | undefined,
  now: Date,
): { text: string; blocked: boolean } | null {
  const window = conversation.replyWindow;
  if (window.state === 'closed')
    return { text: window.reason ?? 'The reply window is closed', blocked: true };
  const parts: string[] = [];
  if (window.state === 'tag_required' && window.closesAt)
    parts.push(`Human-agent tag: ${timeLeft(window.closesAt, now)} left`);
  else if (conversation.platform === 'tiktok' && window.remaining !== null)
    parts.push(`TikTok: ${window.remaining} of 10 messages left`);
  else if (window.closesAt) parts.push(`Window closes in ${timeLeft(window.closesAt, now)}`);
  if (channel?.status === 'needs_reconnect')
    parts.push(
      `Replies wait until the channel is reconnected: ${channel.statusReason ?? 'its credentials stopped working'}`,
    );
  return parts.length > 0 ? { text: parts.join(' · '), blocked: false } : null;
}

export function ReplyWindowNotice({
  conversation,
  channel,
}: {
  conversation: Conversation;
  channel?: Channel;
}) {
  const notice = replyWindowNotice(conversation, channel, new Date());
  if (!notice) return null;
  return (
    <p
      className={notice.blocked ? 'reply-window-notice error' : 'reply-window-notice muted'}
      data-testid="reply-window-notice"
    >
      {notice.text}
    </p>
  );
}
