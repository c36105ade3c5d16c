import { Link } from 'react-router';
import type { Channel } from '../api/models';
import { useCurrentUser } from '../auth/auth-provider';

/** Channels the agent works that stopped sending: replies wait until an admin reconnects them. */
export function ReconnectBanner({ channels }: { channels: Channel[] }) {
  const me = useCurrentUser();
  const broken = channels.filter((channel) => channel.status === 'needs_reconnect');
  if (broken.length === 0) return null;
  return (
    <div className="reconnect-banner error pad" role="alert" data-testid="reconnect-banner">
      {broken.map((channel) => (
        <p key={channel.id}>
          {channel.name} needs reconnecting{channel.statusReason ? `: ${channel.statusReason}` : ''}. Replies
          wait until it is fixed.{' '}
          {me.role === 'admin' && <Link to={`/admin/channels/${channel.id}`}>Reconnect</Link>}
        </p>
      ))}
    </div>
  );
}
