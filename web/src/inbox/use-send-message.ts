import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../api/endpoints';
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

/**
 * Sends a reply optimistically: it shows at once as `pending` under a fresh clientMessageId, becomes the
 * server's message when the POST answers (or when the stream announces it first), and turns `failed` with a
 * retry if the POST itself fails. Retrying that reuses the clientMessageId, so the server sends it once.
 */
export function useSendMessage(
  conversationId: string,
): (content: string, clientMessageId?: string) => Promise<void> {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  return useCallback(
    async (content: string, clientMessageId: string = crypto.randomUUID()) => {
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
        const saved = await api.sendMessage(conversationId, content, clientMessageId);
        applyMessage(queryClient, { ...saved, clientMessageId: saved.clientMessageId ?? clientMessageId });
      } catch (error) {
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
      }
    },
    [conversationId, me.id, queryClient],
  );
}
