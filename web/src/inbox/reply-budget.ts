import type { Conversation, Platform } from '../api/models';

type ReplyWindow = Conversation['replyWindow'];

/*
 * TikTok caps the business messages per customer message window, and a reply goes out as one platform message
 * for its text plus one per attachment. The server refuses a reply over the cap with 422
 * (src/messages/reply-window-check.ts); this says so before sending: keep the two in step.
 */

const messages = (count: number): string => `${count} ${count === 1 ? 'message' : 'messages'}`;

/** How many platform messages a draft goes out as: its text (if any) and each attachment. */
export function replyPartCount(text: string, attachmentCount: number): number {
  return (text.trim() ? 1 : 0) + attachmentCount;
}

/** Why the draft cannot go out within the conversation's message budget, or null (no budget, or it fits). */
export function replyBudgetProblem(
  platform: Platform | undefined,
  window: ReplyWindow | undefined,
  parts: number,
): string | null {
  if (platform !== 'tiktok' || !window || window.state === 'closed' || window.remaining === null) return null;
  if (parts <= window.remaining) return null;
  return `This goes out as ${messages(parts)}; TikTok allows ${window.remaining} more until the customer writes`;
}
