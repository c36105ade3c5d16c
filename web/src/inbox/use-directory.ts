import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Channel, User } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';
import { queryKeys } from '../cache/query-keys';

/** The channels this user may see (for the filter and labels). */
export function useChannels(): Channel[] {
  const { data } = useQuery({
    queryKey: queryKeys.channels,
    queryFn: () => api.listChannels(),
  });
  return data ?? [];
}

/** Who a conversation can be assigned to: every user for an admin; an agent knows only itself. */
export function useAssignableUsers(): User[] {
  const me = useCurrentUser();
  const { data } = useQuery({
    queryKey: queryKeys.users,
    queryFn: () => api.listUsers(),
    enabled: me.role === 'admin',
  });
  return me.role === 'admin' && data ? data : [me];
}
