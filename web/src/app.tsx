import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { AttentionProvider } from './attention/attention-provider';
import { AuthProvider, useAuth } from './auth/auth-provider';
import { AdminOnly } from './admin/admin-only';
import { ChannelsPage } from './admin/channels-page';
import { UsersPage } from './admin/users-page';
import { SignInPage } from './auth/sign-in-page';
import { CustomersPage } from './customers/customers-page';
import { MessageManagementClient } from './inbox/message-management-client';
import { AppLayout } from './layout/app-layout';
import { RealtimeProvider } from './realtime/realtime-provider';

/** Pages behind sign-in share one stream (and one per browser across tabs). */
function SignedIn() {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <div className="splash">Loading…</div>;
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return (
    <RealtimeProvider key={user.id} userId={user.id}>
      <AttentionProvider>
        <Outlet />
      </AttentionProvider>
    </RealtimeProvider>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<SignedIn />}>
        <Route element={<AppLayout />}>
          <Route path="/inbox" element={<MessageManagementClient />} />
          <Route path="/inbox/:conversationId" element={<MessageManagementClient />} />
          <Route path="/customers" element={<CustomersPage />} />
          <Route path="/admin" element={<AdminOnly />}>
            <Route path="users" element={<UsersPage />} />
            <Route path="channels" element={<ChannelsPage />} />
            <Route path="channels/:channelId" element={<ChannelsPage />} />
            <Route index element={<Navigate to="/admin/channels" replace />} />
            <Route path="*" element={<Navigate to="/admin/channels" replace />} />
          </Route>
          <Route path="*" element={<Navigate to="/inbox" replace />} />
        </Route>
      </Route>
    </Routes>
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AuthProvider>
          <AppRoutes />
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
