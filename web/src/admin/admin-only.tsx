import { Outlet } from 'react-router';
import { useCurrentUser } from '../auth/auth-provider';

/** The admin screens: an agent gets a not-allowed page, never the screens (the API would refuse them too). */
export function AdminOnly() {
  const me = useCurrentUser();
  if (me.role !== 'admin') {
    return (
      <div className="not-allowed pad" data-testid="not-allowed">
        <h1>Not allowed</h1>
        <p>Only admins can manage users and channels.</p>
      </div>
    );
  }
  return <Outlet />;
}
