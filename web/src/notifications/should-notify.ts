import type { Conversation, Message } from '../api/models';

/**
 * A customer's message deserves a desktop notification when the conversation is this agent's, or nobody's
 * yet (the server only sends messages of channels the agent works), and nobody is looking at it here.
 */
export function shouldNotify(
  message: Message,
  conversation: Conversation | undefined,
  myId: string,
  lookingAt: (conversationId: string) => boolean,
): boolean {
  if (message.sender !== 'customer') return false;
  if (!conversation) return false;
  if (conversation.assigneeId !== null && conversation.assigneeId !== myId) return false;
  return !lookingAt(message.conversationId);
}
