import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import type { Conversation } from '../api/models';
import { patchConversation } from '../cache/conversation-attention';
import { useDocumentVisible } from './use-document-visible';

export interface ReadControls {
  markUnread: () => void;
  markingUnread: boolean;
  error: string | null;
}

/**
 * An open conversation is read while the agent can see it: on opening, on each new customer message, and
 * when the tab becomes visible again. "Mark unread" stops that until the conversation is opened anew.
 */
export function useReadWhileVisible(conversation: Conversation | undefined): ReadControls {
  const queryClient = useQueryClient();
  const visible = useDocumentVisible();
  const [keptUnread, setKeptUnread] = useState(false);
  const [settled, setSettled] = useState(0);
  const inFlight = useRef(false);
  const id = conversation?.id;
  const unread = conversation?.unreadCount ?? 0;

  useEffect(() => {
    if (!id || !visible || keptUnread || unread === 0 || inFlight.current) return;
    inFlight.current = true;
    api
      .markRead(id)
      .then(() => {
        inFlight.current = false;
        // The read point is the newest message when the server got it: one that arrived since stays unread
        // until conversation_read says otherwise, and is read by the next round.
        patchConversation(queryClient, id, (current) =>
          current.unreadCount === unread ? { ...current, unreadCount: 0 } : current,
        );
        setSettled((n) => n + 1);
      })
      .catch((error: unknown) => {
        // Not retried in a loop: the next message or visibility change tries again.
        inFlight.current = false;
        console.warn('could not mark the conversation read', error);
      });
  }, [id, visible, keptUnread, unread, queryClient, settled]);

  const unreadMutation = useMutation({
    mutationFn: () => api.markUnread(id ?? ''),
    onMutate: () => setKeptUnread(true),
    onError: () => setKeptUnread(false),
  });
  return {
    markUnread: () => unreadMutation.mutate(),
    markingUnread: unreadMutation.isPending,
    error: unreadMutation.error?.message ?? null,
  };
}
