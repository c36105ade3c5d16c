import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import type { Message, MessageAttachment, SendMessageInput } from '../api/models';
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

/** What an agent sends: text, attachments (stored uploads), or both. */
export interface Reply {
  content: string;
  attachments: MessageAttachment[];
}

/**
 * Sent (or failed and shown with Retry); refused by the collision guard; or refused as it stands (400, 422:
 * the reply window closed, an attachment the platform cannot take). Nothing is stored when refused.
 */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'failed' }
  | { kind: 'collision'; newMessages: Message[] }
  | { kind: 'refused'; reason: string };

export interface SendOptions {
  /** Reuses an earlier attempt's key: the server sends it at most once. */
  clientMessageId?: string;
  /** The newest message the agent had on screen (the collision guard). */
  afterMessageId?: string;
  /** The composer keeps a refused reply's text and attachments: the optimistic copy goes instead of failing. */
  keptByComposer?: boolean;
}

function collisionMessages(error: unknown): Message[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as { newMessages?: unknown } | undefined;
  return Array.isArray(body?.newMessages) ? (body.newMessages as Message[]) : null;
}

const REFUSED_STATUSES = new Set([400, 422]);

function requestOf(reply: Reply, options: SendOptions, clientMessageId: string): SendMessageInput {
  const attachmentIds = reply.attachments.flatMap((attachment) => attachment.mediaId ?? []);
  return {
    ...(reply.content ? { content: reply.content } : {}),
    ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
    clientMessageId,
    afterMessageId: options.afterMessageId,
  };
}

/**
 * Sends a reply optimistically: it shows at once as `pending` under a fresh clientMessageId, becomes the
 * server's message when the POST answers (or when the stream announces it first), and turns `failed` with a
 * retry if the POST itself fails. Retrying that reuses the clientMessageId, so the server sends it once.
 */
export function useSendMessage(
  conversationId: string,
): (reply: Reply, options?: SendOptions) => Promise<SendOutcome> {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  return useCallback(
    async (reply: Reply, options: SendOptions = {}): Promise<SendOutcome> => {
      const clientMessageId = options.clientMessageId ?? crypto.randomUUID();
      const key = queryKeys.messages(conversationId);
      const optimistic: Message = {
        id: `${LOCAL_MESSAGE_PREFIX}${clientMessageId}`,
        conversationId,
        sender: 'agent',
        senderUserId: me.id,
        content: reply.content,
        attachments: reply.attachments,
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
      const removeOptimistic = (): void =>
        update((data) => ({
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.filter((m) => m.id !== optimistic.id),
          })),
        }));
      update((data) => upsertMessage(data, optimistic));
      try {
        const saved = await api.sendMessage(conversationId, requestOf(reply, options, clientMessageId));
        applyMessage(queryClient, { ...saved, clientMessageId: saved.clientMessageId ?? clientMessageId });
        return { kind: 'sent' };
      } catch (error) {
        const newMessages = collisionMessages(error);
        if (newMessages) {
          // Nothing was stored: the optimistic copy goes, the messages the agent had not seen come in.
          removeOptimistic();
          for (const newer of newMessages) applyMessage(queryClient, newer);
          return { kind: 'collision', newMessages };
        }
        const reason = error instanceof Error ? error.message : 'Could not send';
        if (options.keptByComposer && error instanceof ApiError && REFUSED_STATUSES.has(error.status)) {
          removeOptimistic();
          return { kind: 'refused', reason };
        }
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
