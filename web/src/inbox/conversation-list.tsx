import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import type { Channel, ConversationFilters } from '../api/models';
import { listItems } from '../cache/infinite-lists';
import { queryKeys } from '../cache/query-keys';
import { LastMessagePreview } from '../attention/last-message-preview';
import { WaitingSince } from '../attention/waiting-since';
import { CustomerAvatar } from '../customers/customer-avatar';
import { conversationCustomerLabel } from '../customers/customer-label';
import { formatWhen } from './format';
import { ReconnectBanner } from './reconnect-banner';

interface Props {
  filters: ConversationFilters;
  selectedId: string | undefined;
  channels: Channel[];
  /** Keeps the filters when a conversation is opened. */
  search: string;
}

export function ConversationList({ filters, selectedId, channels, search }: Props) {
  const query = useInfiniteQuery({
    queryKey: queryKeys.conversations(filters),
    queryFn: ({ pageParam }) => api.listConversations(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const conversations = listItems(query.data);
  const channelName = (id: string): string => channels.find((c) => c.id === id)?.name ?? '';

  if (query.isPending) return <p className="muted pad">Loading conversations…</p>;
  if (query.isError)
    return (
      <p className="error pad">
        Could not load conversations: {query.error.message}{' '}
        <button type="button" className="link" onClick={() => void query.refetch()}>
          Try again
        </button>
      </p>
    );
  return (
    <div className="conversation-list" data-testid="conversation-list">
      <ReconnectBanner channels={channels} />
      {conversations.length === 0 && <p className="muted pad">No conversations match.</p>}
      <ul>
        {conversations.map((conversation) => (
          <li
            key={conversation.id}
            data-testid="conversation-item"
            data-conversation-id={conversation.id}
            data-unread={conversation.unreadCount}
          >
            <Link
              to={{ pathname: `/inbox/${conversation.id}`, search }}
              className={[
                conversation.id === selectedId ? 'selected' : '',
                conversation.unreadCount > 0 ? 'unread' : '',
              ].join(' ')}
            >
              <span className="row">
                <span className="customer-name">
                  <CustomerAvatar avatarUrl={conversation.customer.avatarUrl} name={conversation.customer.name} />
                  <strong className="ellipsis">{conversationCustomerLabel(conversation)}</strong>
                </span>
                <time dateTime={conversation.lastMessageAt}>{formatWhen(conversation.lastMessageAt)}</time>
              </span>
              <span className="row small">
                <LastMessagePreview message={conversation.lastMessage} />
                {conversation.unreadCount > 0 && (
                  <span
                    className="unread-badge"
                    data-testid="unread-badge"
                    aria-label={`${conversation.unreadCount} unread`}
                  >
                    {conversation.unreadCount}
                  </span>
                )}
              </span>
              <span className="row small">
                <span className={`badge platform-${conversation.platform}`}>{conversation.platform}</span>
                <span className="muted ellipsis">{channelName(conversation.channelId)}</span>
                {conversation.waitingSince && conversation.status !== 'resolved' && (
                  <WaitingSince since={conversation.waitingSince} />
                )}
                <span className={`badge status-${conversation.status}`}>{conversation.status}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {query.hasNextPage && (
        <button
          type="button"
          className="secondary wide"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
