import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/endpoints';
import type { User } from '../api/models';
import { queryKeys } from '../cache/query-keys';
import { getSession, type SessionEnd } from './session';
import { tokenStore } from './token-store';

export interface AuthState {
  token: string | null;
  user: User | null;
  /** True while the session is restored through the cookie, or the user of a token is being loaded. */
  loading: boolean;
  /** Set when a session ended without the user signing out here (refused renewal), or by a sign-out. */
  sessionEnded: SessionEnd | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Keeps this session (a fresh token and cookie); other browsers are signed out at their next renewal. */
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const session = getSession();
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const [restoring, setRestoring] = useState(() => tokenStore.get() === null);
  const [sessionEnded, setSessionEnded] = useState<SessionEnd | null>(null);

  useEffect(
    () =>
      tokenStore.subscribe((next, previous) => {
        setToken(next?.token ?? null);
        if (next) setSessionEnded(null);
        if (previous && !next) queryClient.clear();
      }),
    [queryClient],
  );

  useEffect(() => session.onEnded(setSessionEnded), [session]);

  useEffect(() => {
    let active = true;
    void session.restore().finally(() => {
      if (active) setRestoring(false);
    });
    return () => {
      active = false;
    };
  }, [session]);

  const me = useQuery({ queryKey: queryKeys.me, queryFn: api.me, enabled: token !== null, retry: false });

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api.login(email, password);
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, answer.user);
      session.adopt(answer);
    },
    [queryClient, session],
  );

  const signOut = useCallback(() => session.signOut().catch(() => undefined), [session]);

  const changePassword = useCallback(
    async (currentPassword: string, newPassword: string) => {
      session.adopt(await api.changePassword(currentPassword, newPassword));
    },
    [session],
  );

  const value = useMemo<AuthState>(
    () => ({
      token,
      user: token ? (me.data ?? null) : null,
      loading: (restoring && token === null) || (token !== null && me.isPending),
      sessionEnded,
      signIn,
      signOut,
      changePassword,
    }),
    [token, me.data, me.isPending, restoring, sessionEnded, signIn, signOut, changePassword],
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
