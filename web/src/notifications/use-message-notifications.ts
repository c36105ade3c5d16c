import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../api/endpoints';
import type { Conversation, Message } from '../api/models';
import { useDocumentVisible } from '../attention/use-document-visible';
import { useCurrentUser } from '../auth/auth-provider';
import { findConversation } from '../cache/conversation-lists';
import { queryKeys } from '../cache/query-keys';
import { conversationCustomerLabel } from '../customers/customer-label';
import { useRealtime } from '../realtime/realtime-provider';
import { beep } from './beep';
import { isMuted } from './notification-settings';
import { shouldNotify } from './should-notify';
import { ViewingTabs } from './viewing-tabs';

const BODY_CHARACTERS = 140;
const OPEN_CONVERSATION = /^\/inbox\/([^/]+)/;

function canNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted' && !isMuted();
}

/**
 * One desktop notification and beep per new customer message that needs this agent, from exactly one tab
 * of the browser: the stream's leader (the others get the same events relayed and stay quiet). Clicking it
 * brings the window forward on that conversation.
 */
export function useMessageNotifications(): void {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const { subscribe, role } = useRealtime();
  const navigate = useNavigate();
  const location = useLocation();
  const visible = useDocumentVisible();
  const roleRef = useRef(role);
  const tabs = useRef<ViewingTabs | null>(null);

  useEffect(() => {
    roleRef.current = role;
  }, [role]);

  useEffect(() => {
    const viewing = new ViewingTabs(me.id);
    tabs.current = viewing;
    return () => {
      viewing.close();
      tabs.current = null;
    };
  }, [me.id, tabs]);

  const openId = OPEN_CONVERSATION.exec(location.pathname)?.[1] ?? null;
  useEffect(() => {
    tabs.current?.show({ conversationId: openId, visible });
  }, [openId, visible, tabs]);

  useEffect(() => {
    const conversationOf = async (id: string): Promise<Conversation | undefined> =>
      findConversation(queryClient, id) ??
      queryClient.fetchQuery({
        queryKey: queryKeys.conversation(id),
        queryFn: () => api.getConversation(id),
      });

    const notify = async (message: Message): Promise<void> => {
      if (roleRef.current !== 'leader' || message.sender !== 'customer' || !canNotify()) return;
      const conversation = await conversationOf(message.conversationId).catch(() => undefined);
      const lookingAt = (id: string): boolean => tabs.current?.isLookingAt(id) ?? false;
      if (!shouldNotify(message, conversation, me.id, lookingAt)) return;
      const text = message.content || (message.attachments.length > 0 ? '📎 Attachment' : '');
      const notification = new Notification(conversationCustomerLabel(conversation), {
        body: Array.from(text).slice(0, BODY_CHARACTERS).join(''),
        tag: message.conversationId,
      });
      notification.onclick = () => {
        window.focus();
        void navigate(`/inbox/${message.conversationId}`);
        notification.close();
      };
      beep();
    };
    return subscribe('new_message', (event) => void notify(event.data));
  }, [subscribe, queryClient, me.id, navigate, tabs]);
}
