import { useState } from 'react';
import type { Message, Platform } from '../api/models';
import type { Reply, SendOutcome } from '../inbox/use-send-message';
import { uploadAttachment, useComposerAttachments } from '../media/use-composer-attachments';
import { useActivityReporter } from './use-activity-reporter';
import { useGuardedSend } from './use-guarded-send';

/**
 * The reply box's state for one conversation: the draft and its attachments (both kept when the collision
 * guard or the server refuses a send), the guarded send, and the viewing/typing reports that go with typing.
 */
export function useComposer(conversationId: string, messages: Message[], platform?: Platform) {
  const [draft, setDraft] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const attachments = useComposerAttachments(platform);
  const activity = useActivityReporter(conversationId);
  const guarded = useGuardedSend(conversationId, messages);

  /** Sends the draft and the chips; a refused send puts both back (text typed meanwhile wins). */
  const deliver = (content: string, send: (reply: Reply) => Promise<SendOutcome>): void => {
    if (attachments.blockedReason) return;
    const taken = attachments.take();
    const reply: Reply = {
      content,
      attachments: taken.flatMap((item) => (item.upload ? [uploadAttachment(item.upload)] : [])),
    };
    if (!reply.content && reply.attachments.length === 0) return;
    setDraft('');
    setRefusal(null);
    void send(reply).then((outcome) => {
      if (outcome.kind === 'collision' || outcome.kind === 'refused') {
        setDraft((current) => (current.trim() ? current : content));
        attachments.restore(taken);
        setRefusal(outcome.kind === 'refused' ? outcome.reason : null);
      } else attachments.dispose(taken);
    });
  };

  const onDraftChange = (next: string): void => {
    setDraft(next);
    if (next.trim()) activity.typed();
    else activity.stopTyping();
  };
  return {
    collision: guarded.collision,
    retry: guarded.retry,
    dismiss: guarded.dismiss,
    addFiles: attachments.add,
    sendAnyway: (): void => {
      const held = guarded.collision?.reply;
      const content = draft.trim() || (attachments.chips.length === 0 ? (held?.content ?? '') : '');
      deliver(content, guarded.sendAnyway);
    },
    replyBox: {
      draft,
      onDraftChange,
      onBlur: () => activity.stopTyping(),
      onSend: (content: string) => {
        activity.stopTyping();
        deliver(content, guarded.send);
      },
      attachments,
      platform,
      refusal,
    },
  };
}
