import { useState } from 'react';
import type { Message } from '../api/models';
import { isLocalMessage, useSendMessage } from '../inbox/use-send-message';

export interface Collision {
  content: string;
  newMessages: Message[];
}

/** The newest message the agent has on screen that the server knows (optimistic copies have no server id). */
export function newestStoredId(messages: Message[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1)
    if (!isLocalMessage(messages[index])) return messages[index].id;
  return undefined;
}

/**
 * Sends with the collision guard: every reply names the newest message on screen (`afterMessageId`). When the
 * customer or a colleague wrote in the meantime the server refuses (409); the new messages are shown and the
 * draft is given back, and "Send anyway" sends it after them (still guarded against anything newer again).
 */
export function useGuardedSend(
  conversationId: string,
  messages: Message[],
  restoreDraft: (content: string) => void,
) {
  const send = useSendMessage(conversationId);
  const [collision, setCollision] = useState<Collision | null>(null);
  const newestId = newestStoredId(messages);

  const sendGuarded = async (content: string, afterMessageId: string | undefined): Promise<void> => {
    setCollision(null);
    const outcome = await send(content, undefined, afterMessageId);
    if (outcome.kind === 'collision') {
      setCollision({ content, newMessages: outcome.newMessages });
      restoreDraft(content);
    }
  };

  return {
    collision,
    send: (content: string) => sendGuarded(content, newestId),
    sendAnyway: (content: string) => sendGuarded(content, collision?.newMessages.at(-1)?.id ?? newestId),
    dismiss: () => setCollision(null),
    retry: (message: Message) => {
      // A POST that never reached the server is retried under the same clientMessageId (sent at most once);
      // a send the platform refused is a new attempt.
      if (isLocalMessage(message) && message.clientMessageId)
        void send(message.content, message.clientMessageId, newestId);
      else void send(message.content, undefined, newestId);
    },
  };
}
