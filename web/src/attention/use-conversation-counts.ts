import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { ConversationCounts } from '../api/models';
import { queryKeys } from '../cache/query-keys';

/** `GET /api/conversations/counts`, asked once and then kept current by the stream (cache effects). */
export function useConversationCounts(): ConversationCounts | undefined {
  return useQuery({ queryKey: queryKeys.conversationCounts, queryFn: api.conversationCounts }).data;
}
