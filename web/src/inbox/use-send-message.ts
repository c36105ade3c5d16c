import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import type { Message } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';
import type { PagedList } from '../cache/infinite-lists';
import { upsertMessage } from '../cache/message-thread';
import { queryKeys } from '../cache/query-keys';
import { applyMessage } from '../cache/stream-cache-effects';

/** Optimistic copies carry this id prefix until the server's message replaces them. */
export const LOCAL_MESSAGE_PREFIX = 'local-';

export function isLocalMessage(message: Message): boolean {
  return message.id.startsWith(LOCAL_MESSAGE_PREFIX);
}

/** Sent (or failed and shown with Retry), or refused by the collision guard: nothing stored, the draft stays. */
export type SendOutcome =
  { kind: 'sent' } | { kind: 'failed' } | { kind: 'collision'; newMessages: Message[] };

function collisionMessages(error: unknown): Message[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as { newMessages?: unknown } | undefined;
  return Array.isArray(body?.newMessages) ? (body.newMessages as Message[]) : null;
}

/**
 * Sends a reply optimistically: it shows at once as `pending` under a fresh clientMessageId, becomes the
 * server's message when the POST answers (or when the stream announces it first), and turns `failed` with a
 * retry if the POST itself fails. Retrying that reuses the clientMessageId, so the server sends it once.
 */
export function useSendMessage(
  conversationId: string,
): (content: string, clientMessageId?: string, afterMessageId?: string) => Promise<SendOutcome> {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  return useCallback(
    async (
      content: string,
      clientMessageId: string = crypto.randomUUID(),
      afterMessageId?: string,
    ): Promise<SendOutcome> => {
      const key = queryKeys.messages(conversationId);
      const optimistic: Message = {
        id: `${LOCAL_MESSAGE_PREFIX}${clientMessageId}`,
        conversationId,
        sender: 'agent',
        senderUserId: me.id,
        content,
        attachments: [],
        sentAt: new Date().toISOString(),
        platformMessageId: null,
        status: 'pending',
        error: null,
        clientMessageId,
      };
      const update = (change: (data: PagedList<Message>) => PagedList<Message>): void => {
        queryClient.setQueryData<PagedList<Message>>(key, (data) =>
          change(data ?? { pages: [{ items: [], nextCursor: null }], pageParams: [undefined] }),
        );
      };
      update((data) => upsertMessage(data, optimistic));
      try {
        const saved = await api.sendMessage(conversationId, content, clientMessageId, afterMessageId);
        applyMessage(queryClient, { ...saved, clientMessageId: saved.clientMessageId ?? clientMessageId });
        return { kind: 'sent' };
      } catch (error) {
        const newMessages = collisionMessages(error);
        if (newMessages) {
          // Nothing was stored: the optimistic copy goes, the messages the agent had not seen come in.
          update((data) => ({
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.filter((m) => m.id !== optimistic.id),
            })),
          }));
          for (const newer of newMessages) applyMessage(queryClient, newer);
          return { kind: 'collision', newMessages };
        }
        const reason = error instanceof Error ? error.message : 'Could not send';
        update((data) => ({
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((m) =>
              m.id === optimistic.id ? { ...m, status: 'failed' as const, error: reason } : m,
            ),
          })),
        }));
        return { kind: 'failed' };
      }
    },
    [conversationId, me.id, queryClient],
  );
}
