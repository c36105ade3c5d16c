import { useQuery, useQueryClient, type Query } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api } from '../api/endpoints';
import type { Conversation, ConversationFilters, ConversationStatus } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';
import { findInList, type PagedList } from '../cache/infinite-lists';
import { queryKeys } from '../cache/query-keys';
import { AttentionFilters, channelUnread } from '../attention/attention-filters';
import { ConversationSearch } from '../attention/conversation-search';
import { useConversationCounts } from '../attention/use-conversation-counts';
import { ConversationList } from './conversation-list';
import { ConversationThread } from './conversation-thread';
import { useChannels } from './use-directory';

const STATUS_FILTERS: Array<{ value: '' | ConversationStatus; label: string }> = [
  { value: '', label: 'All statuses' },
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'resolved', label: 'Resolved' },
];

/** Filters live in the URL (`?status=&channel=&mine=1`), so they survive reloads and can be shared. */
function useConversationFilters(): [ConversationFilters, (name: string, value: string) => void, string] {
  const [params, setParams] = useSearchParams();
  const me = useCurrentUser();
  const status = params.get('status') as ConversationStatus | null;
  const filters: ConversationFilters = {
    ...(status ? { status } : {}),
    ...(params.get('channel') ? { channelId: params.get('channel') ?? undefined } : {}),
    ...(params.get('mine') === '1' ? { assigneeId: me.id } : {}),
    ...(params.get('unread') === '1' ? { unread: 'true' as const } : {}),
    ...(params.get('waiting') === '1' ? { waiting: 'true' as const } : {}),
    ...(params.get('q') ? { q: params.get('q') ?? undefined } : {}),
  };
  const setFilter = useCallback(
    (name: string, value: string): void => {
      const next = new URLSearchParams(params);
      if (value) next.set(name, value);
      else next.delete(name);
      setParams(next);
    },
    [params, setParams],
  );
  const search = params.toString();
  return [filters, setFilter, search ? `?${search}` : ''];
}

/** The open conversation: from a cached list when it is in one (kept live there), else asked for once. */
function useConversation(id: string | undefined): Conversation | undefined {
  const queryClient = useQueryClient();
  const findCached = useCallback((): Conversation | undefined => {
    if (!id) return undefined;
    for (const [, data] of queryClient.getQueriesData<PagedList<Conversation>>({
      queryKey: queryKeys.conversationLists,
    })) {
      const found = findInList(data, id);
      if (found) return found;
    }
    return undefined;
  }, [id, queryClient]);
  const cached = useSyncExternalStore(
    useCallback(
      (onChange: () => void) =>
        queryClient.getQueryCache().subscribe((event) => {
          // Only data changes of lists matter (and never a query being added during someone's render).
          const key = (event.query as Query).queryKey;
          if (event.type === 'updated' && key[0] === queryKeys.conversationLists[0]) onChange();
        }),
      [queryClient],
    ),
    findCached,
  );
  const single = useQuery({
    queryKey: queryKeys.conversation(id ?? ''),
    queryFn: () => api.getConversation(id ?? ''),
    enabled: id !== undefined && cached === undefined,
  });
  return cached ?? single.data;
}

/** The inbox: filtered conversation list, the open thread with its reply box, all kept live by the stream. */
export function MessageManagementClient() {
  const { conversationId } = useParams();
  const [filters, setFilter, search] = useConversationFilters();
  const channels = useChannels();
  const conversation = useConversation(conversationId);
  const counts = useConversationCounts();
  const onSearch = useCallback((q: string) => setFilter('q', q), [setFilter]);

  return (
    <div className="inbox">
      <aside className="inbox-list">
        <div className="filters" role="group" aria-label="Filters">
          <select
            aria-label="Status filter"
            value={filters.status ?? ''}
            onChange={(event) => setFilter('status', event.target.value)}
          >
            {STATUS_FILTERS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <select
            aria-label="Channel filter"
            value={filters.channelId ?? ''}
            onChange={(event) => setFilter('channel', event.target.value)}
          >
            <option value="">All channels</option>
            {channels.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channel.name} ({channel.platform}){channelUnread(counts, channel.id)}
              </option>
            ))}
          </select>
          <ConversationSearch value={filters.q ?? ''} onSearch={onSearch} />
          <AttentionFilters filters={filters} counts={counts} setFilter={setFilter} />
        </div>
        <ConversationList filters={filters} selectedId={conversationId} channels={channels} search={search} />
      </aside>
      {conversationId ? (
        <ConversationThread
          key={conversationId}
          conversationId={conversationId}
          conversation={conversation}
          channels={channels}
        />
      ) : (
        <section className="thread empty">
          <p className="muted">Select a conversation.</p>
        </section>
      )}
    </div>
  );
}
