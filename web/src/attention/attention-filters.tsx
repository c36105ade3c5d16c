import type { ConversationCounts, ConversationFilters } from '../api/models';

/** " · 3" after a channel's name when it has unread conversations. */
export function channelUnread(counts: ConversationCounts | undefined, channelId: string): string {
  const unread = counts?.byChannel[channelId] ?? 0;
  return unread > 0 ? ` · ${unread} unread` : '';
}

interface Props {
  filters: ConversationFilters;
  counts: ConversationCounts | undefined;
  setFilter: (name: string, value: string) => void;
}

/** Unread / Waiting / Mine: toggles kept in the URL (`?unread=1&waiting=1&mine=1`), with their counts. */
export function AttentionFilters({ filters, counts, setFilter }: Props) {
  const toggles = [
    { param: 'unread', label: 'Unread', on: filters.unread === 'true', count: counts?.unread },
    { param: 'waiting', label: 'Waiting', on: filters.waiting === 'true', count: counts?.waiting },
    { param: 'mine', label: 'Mine', on: filters.assigneeId !== undefined, count: counts?.unreadMine },
  ];
  return (
    <div className="attention-filters" role="group" aria-label="Attention filters">
      {toggles.map((toggle) => (
        <button
          key={toggle.param}
          type="button"
          className={toggle.on ? 'toggle on' : 'toggle'}
          aria-pressed={toggle.on}
          onClick={() => setFilter(toggle.param, toggle.on ? '' : '1')}
        >
          {toggle.label}
          {toggle.count ? <span className="count"> {toggle.count}</span> : null}
        </button>
      ))}
    </div>
  );
}
