import type { PresenceStatus } from '../realtime/ephemeral-events';

const LABEL: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
/** A `<select>` option can only hold text: the dot as a character. */
export const PRESENCE_MARK: Record<PresenceStatus, string> = { online: '●', away: '◐', offline: '○' };

export function PresenceDot({ status }: { status: PresenceStatus }) {
  return (
    <span
      className={`presence-dot presence-${status}`}
      data-testid="presence-dot"
      data-presence={status}
      role="img"
      aria-label={LABEL[status]}
      title={LABEL[status]}
    />
  );
}
