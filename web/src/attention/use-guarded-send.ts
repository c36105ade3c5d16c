import { useState } from 'react';
import type { Message } from '../api/models';
import { isLocalMessage, useSendMessage, type Reply, type SendOutcome } from '../inbox/use-send-message';

export interface Collision {
  reply: Reply;
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
 * caller gives the draft back, and "Send anyway" sends it after them (still guarded against anything newer again).
 */
export function useGuardedSend(conversationId: string, messages: Message[]) {
  const send = useSendMessage(conversationId);
  const [collision, setCollision] = useState<Collision | null>(null);
  const newestId = newestStoredId(messages);

  const sendGuarded = async (reply: Reply, afterMessageId: string | undefined): Promise<SendOutcome> => {
    setCollision(null);
    const outcome = await send(reply, { afterMessageId, keptByComposer: true });
    if (outcome.kind === 'collision') setCollision({ reply, newMessages: outcome.newMessages });
    return outcome;
  };

  return {
    collision,
    send: (reply: Reply) => sendGuarded(reply, newestId),
    sendAnyway: (reply: Reply) => sendGuarded(reply, collision?.newMessages.at(-1)?.id ?? newestId),
    dismiss: () => setCollision(null),
    retry: (message: Message) => {
      const reply = { content: message.content, attachments: message.attachments };
      // A POST that never reached the server is retried under the same clientMessageId (sent at most once);
      // a send the platform refused is a new attempt.
      if (isLocalMessage(message) && message.clientMessageId)
        void send(reply, { clientMessageId: message.clientMessageId, afterMessageId: newestId });
      else void send(reply, { afterMessageId: newestId });
    },
  };
}
