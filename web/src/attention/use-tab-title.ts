import { useEffect } from 'react';
import { useConversationCounts } from './use-conversation-counts';

export const APP_TITLE = 'crm-inbox';

/** `(3) crm-inbox`: the unread conversations, visible from any other tab. */
export function useTabTitle(): void {
  const unread = useConversationCounts()?.unread ?? 0;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE;
  }, [unread]);
}
