import type { Message, MessageStatus } from '../api/models';
import type { PagedList } from './infinite-lists';

/**
 * A conversation's thread as cached: pages[0] is the newest page, later pages are older ones loaded with
 * `before`; each page is oldest first (docs/api.md). Shown oldest first overall.
 */
export function threadMessages(data: PagedList<Message> | undefined): Message[] {
  return data ? [...data.pages].reverse().flatMap((page) => page.items) : [];
}

/** How far along delivery an agent message is; it never moves backwards (a late REST answer says "pending"). */
const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  pending: 0,
  sent: 1,
  failed: 1,
  delivered: 2,
  read: 3,
};

export function mergeMessage(existing: Message, incoming: Message): Message {
  const keepStatus = STATUS_RANK[incoming.status] < STATUS_RANK[existing.status];
  return {
    ...existing,
    ...incoming,
    status: keepStatus ? existing.status : incoming.status,
    error: keepStatus ? existing.error : incoming.error,
    clientMessageId: incoming.clientMessageId ?? existing.clientMessageId,
  };
}

function sameMessage(existing: Message, incoming: Message): boolean {
  if (existing.id === incoming.id) return true;
  return Boolean(incoming.clientMessageId) && existing.clientMessageId === incoming.clientMessageId;
}

/**
 * Adds or updates a message: matched by id, or by clientMessageId for the optimistic copy of a reply (the
 * stream may announce the reply before the POST answers). New messages go at the end of the newest page.
 */
export function upsertMessage(data: PagedList<Message>, incoming: Message): PagedList<Message> {
  const matches = data.pages.flatMap((page) =>
    page.items.filter((existing) => sameMessage(existing, incoming)),
  );
  if (matches.length > 0) {
    // The optimistic copy and the stored message can both be cached for a moment: they become one.
    const merged = [...matches, incoming].reduce(mergeMessage);
    let placed = false;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.flatMap((existing) => {
        if (!sameMessage(existing, incoming)) return [existing];
        if (placed) return [];
        placed = true;
        return [merged];
      }),
    }));
    return { ...data, pages };
  }
  if (data.pages.length === 0)
    return { pages: [{ items: [incoming], nextCursor: null }], pageParams: [undefined] };
  const [newest, ...older] = data.pages;
  return { ...data, pages: [{ ...newest, items: [...newest.items, incoming] }, ...older] };
}
