import { useState } from 'react';
import type { Message } from '../api/models';
import { useActivityReporter } from './use-activity-reporter';
import { useGuardedSend } from './use-guarded-send';

/**
 * The reply box's state for one conversation: the draft (kept when the collision guard refuses a send), the
 * guarded send, and the viewing/typing reports that go with typing.
 */
export function useComposer(conversationId: string, messages: Message[]) {
  const [draft, setDraft] = useState('');
  const activity = useActivityReporter(conversationId);
  const guarded = useGuardedSend(conversationId, messages, (content) =>
    setDraft((current) => (current.trim() ? current : content)),
  );
  const onDraftChange = (next: string): void => {
    setDraft(next);
    if (next.trim()) activity.typed();
    else activity.stopTyping();
  };
  return {
    collision: guarded.collision,
    retry: guarded.retry,
    dismiss: guarded.dismiss,
    sendAnyway: (): void => {
      const content = draft.trim() || guarded.collision?.content || '';
      if (!content) return;
      setDraft('');
      void guarded.sendAnyway(content);
    },
    replyBox: {
      draft,
      onDraftChange,
      onBlur: () => activity.stopTyping(),
      onSend: (content: string) => {
        activity.stopTyping();
        void guarded.send(content);
      },
    },
  };
}
