import { NavLink, Outlet } from 'react-router';
import { useCurrentUser } from '../auth/auth-provider';
import { NotificationControl } from '../notifications/notification-control';
import { AccountMenu } from './account-menu';
import { ConnectionIndicator } from './connection-indicator';

export function AppLayout() {
  const user = useCurrentUser();
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
        <AccountMenu />
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
