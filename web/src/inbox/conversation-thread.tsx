import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ActivityLine } from '../attention/activity-line';
import { useConversationActivity } from '../attention/attention-provider';
import { CollisionNotice } from '../attention/collision-notice';
import { ThreadMenu } from '../attention/thread-menu';
import { useComposer } from '../attention/use-composer';
import { useReadWhileVisible } from '../attention/use-read-while-visible';
import { PresenceDot, PRESENCE_MARK } from '../presence/presence-dot';
import { usePresence } from '../presence/use-presence';
import { api } from '../api/endpoints';
import type { Channel, Conversation, ConversationStatus, Message } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';
import { threadMessages } from '../cache/message-thread';
import { queryKeys } from '../cache/query-keys';
import { applyConversation } from '../cache/stream-cache-effects';
import { DropTarget } from '../media/drop-target';
import { useFileDrop } from '../media/use-file-drop';
import { CustomerAvatar } from '../customers/customer-avatar';
import { conversationCustomerLabel } from '../customers/customer-label';
import { MessageBubble } from './message-bubble';
import { ReplyBox } from './reply-box';
import { ReplyWindowNotice } from './reply-window-notice';
import { useAssignableUsers } from './use-directory';

const STATUSES: ConversationStatus[] = ['open', 'pending', 'resolved'];
const UNASSIGNED = '';

function ConversationControls({ conversation }: { conversation: Conversation }) {
  const queryClient = useQueryClient();
  const me = useCurrentUser();
  const users = useAssignableUsers();
  const presenceOf = usePresence();
  const update = useMutation({
    mutationFn: (change: { status?: ConversationStatus; assigneeId?: string | null }) =>
      api.updateConversation(conversation.id, change),
    onSuccess: (updated) => applyConversation(queryClient, updated),
  });
  const assigneeKnown =
    conversation.assigneeId === null || users.some((u) => u.id === conversation.assigneeId);
  return (
    <div className="controls">
      <label>
        Status{' '}
        <select
          aria-label="Status"
          value={conversation.status}
          disabled={update.isPending}
          onChange={(event) => update.mutate({ status: event.target.value as ConversationStatus })}
        >
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        {conversation.assigneeId && <PresenceDot status={presenceOf(conversation.assigneeId)} />}
        Assignee{' '}
        <select
          aria-label="Assignee"
          value={conversation.assigneeId ?? UNASSIGNED}
          disabled={update.isPending}
          onChange={(event) => update.mutate({ assigneeId: event.target.value || null })}
        >
          <option value={UNASSIGNED}>Unassigned</option>
          {users.map((user) => (
            <option key={user.id} value={user.id}>
              {PRESENCE_MARK[presenceOf(user.id)]} {user.id === me.id ? `Me (${user.name})` : user.name}
            </option>
          ))}
          {!assigneeKnown && conversation.assigneeId && (
            <option value={conversation.assigneeId}>Another agent</option>
          )}
        </select>
      </label>
      {update.isError && <span className="error">{update.error.message}</span>}
    </div>
  );
}

interface Props {
  conversationId: string;
  conversation: Conversation | undefined;
  channels: Channel[];
}

export function ConversationThread({ conversationId, conversation, channels }: Props) {
  const query = useInfiniteQuery({
    queryKey: queryKeys.messages(conversationId),
    queryFn: ({ pageParam }) => api.listMessages(conversationId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const messages = threadMessages(query.data);
  const composer = useComposer(conversationId, messages, conversation?.platform);
  const read = useReadWhileVisible(conversation);
  const activity = useConversationActivity(conversationId);
  const bottom = useRef<HTMLDivElement>(null);
  const lastId = messages.at(-1)?.id;
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [lastId]);

  const channel = channels.find((c) => c.id === conversation?.channelId);
  const replyClosed = conversation?.replyWindow.state === 'closed';
  const drop = useFileDrop(composer.addFiles, !replyClosed);

  return (
    <section className="thread" aria-label="Conversation" data-testid="thread" {...drop.handlers}>
      {drop.over && <DropTarget />}
      <header className="thread-header">
        <CustomerAvatar avatarUrl={conversation?.customer.avatarUrl} name={conversation?.customer.name} size="large" />
        <div>
          <h2>{conversationCustomerLabel(conversation)}</h2>
          <span className="muted small">
            {conversation?.platform}
            {channel ? ` · ${channel.name}` : ''}
          </span>
        </div>
        {conversation && <ConversationControls conversation={conversation} />}
        <ThreadMenu read={read} />
      </header>
      <div className="messages">
        {query.hasNextPage && (
          <button
            type="button"
            className="secondary wide"
            disabled={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {query.isFetchingNextPage ? 'Loading…' : 'Load older messages'}
          </button>
        )}
        {query.isPending && <p className="muted pad">Loading messages…</p>}
        {query.isError && <p className="error pad">Could not load messages: {query.error.message}</p>}
        <ul>
          {messages.map((message) => (
            <MessageBubble
              key={message.clientMessageId ?? message.id}
              message={message}
              onRetry={(failed: Message) => composer.retry(failed)}
            />
          ))}
        </ul>
        <div ref={bottom} />
      </div>
      <ActivityLine activity={activity} />
      {composer.collision && (
        <CollisionNotice
          collision={composer.collision}
          onSendAnyway={composer.sendAnyway}
          onDismiss={composer.dismiss}
        />
      )}
      {conversation && <ReplyWindowNotice conversation={conversation} channel={channel} />}
      <ReplyBox {...composer.replyBox} replyWindow={conversation?.replyWindow} disabled={replyClosed} />
    </section>
  );
}
