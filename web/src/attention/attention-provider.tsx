import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useMessageNotifications } from '../notifications/use-message-notifications';
import { applyPresence } from '../presence/presence-cache';
import type { AgentActivity } from '../realtime/ephemeral-events';
import { useRealtime } from '../realtime/realtime-provider';
import { ActivityStore } from './activity-store';
import { useRefetchAfterSleep } from './use-refetch-after-sleep';
import { useTabTitle } from './use-tab-title';

const ActivityContext = createContext<ActivityStore | null>(null);

/**
 * What signed-in pages share about attention: other agents' activity, presence, the tab title's count, and
 * fresh counts after the machine slept.
 */
export function AttentionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { subscribeEphemeral } = useRealtime();
  const [store] = useState(() => new ActivityStore());
  useEffect(() => () => store.dispose(), [store]);
  useEffect(
    () =>
      subscribeEphemeral((event) => {
        if (event.type === 'agent_activity') store.apply(event.data);
        else applyPresence(queryClient, event.data);
      }),
    [subscribeEphemeral, store, queryClient],
  );
  useTabTitle();
  useMessageNotifications();
  useRefetchAfterSleep();
  return <ActivityContext.Provider value={store}>{children}</ActivityContext.Provider>;
}

/** Other agents viewing or typing in this conversation right now. */
export function useConversationActivity(conversationId: string): AgentActivity[] {
  const store = useContext(ActivityContext);
  if (!store) throw new Error('useConversationActivity outside AttentionProvider');
  return useSyncExternalStore(
    (onChange) => store.subscribe(onChange),
    () => store.forConversation(conversationId),
  );
}
