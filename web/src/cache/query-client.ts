import { QueryClient } from '@tanstack/react-query';

/**
 * The stream keeps cached answers current, so nothing is refetched on a timer, on focus or on reconnect:
 * REST is called on navigation (first mount of a query), on a user's action, or after `resync`.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        refetchInterval: false,
        retry: false,
      },
      mutations: { retry: false },
    },
  });
}
