import { NavLink, Outlet } from 'react-router';
import { useAuth, useCurrentUser } from '../auth/auth-provider';
import { NotificationControl } from '../notifications/notification-control';
import { ConnectionIndicator } from './connection-indicator';

export function AppLayout() {
  const user = useCurrentUser();
  const { signOut } = useAuth();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">crm-inbox</span>
        <nav>
          <NavLink to="/inbox">Inbox</NavLink>
          <NavLink to="/customers">Customers</NavLink>
          {user.role === 'admin' && <NavLink to="/admin/users">Users</NavLink>}
          {user.role === 'admin' && <NavLink to="/admin/channels">Channels</NavLink>}
        </nav>
        <ConnectionIndicator />
        <NotificationControl />
        <span className="who" title={user.email}>
          {user.name} <small>({user.role})</small>
        </span>
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
