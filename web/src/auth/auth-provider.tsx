import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/endpoints';
import type { User } from '../api/models';
import { queryKeys } from '../cache/query-keys';
import { tokenStore } from './token-store';

export interface AuthState {
  token: string | null;
  user: User | null;
  /** True while the user of a stored token is being loaded. */
  loading: boolean;
  /** Set when a session ended without the user signing out (expired token). */
  sessionExpired: boolean;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const [sessionExpired, setSessionExpired] = useState(false);

  useEffect(
    () =>
      tokenStore.subscribe((next) => {
        setToken((previous) => {
          if (previous && !next) {
            setSessionExpired(true);
            queryClient.clear();
          }
          return next;
        });
      }),
    [queryClient],
  );

  const me = useQuery({ queryKey: queryKeys.me, queryFn: api.me, enabled: token !== null, retry: false });

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api.login(email, password);
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, answer.user);
      setSessionExpired(false);
      tokenStore.set(answer.accessToken);
    },
    [queryClient],
  );

  const signOut = useCallback(() => {
    tokenStore.clear();
    setSessionExpired(false);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<AuthState>(
    () => ({
      token,
      user: token ? (me.data ?? null) : null,
      loading: token !== null && me.isPending,
      sessionExpired,
      signIn,
      signOut,
    }),
    [token, me.data, me.isPending, sessionExpired, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** For pages behind sign-in: the user is known there. */
export function useCurrentUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser outside a signed-in page');
  return user;
}
