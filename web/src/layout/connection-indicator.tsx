import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../realtime/stream-connection';
import { useRealtime } from '../realtime/realtime-provider';
import type { StreamRole } from '../realtime/use-sse-connection';

/** Redraws the countdown; a display timer only, it never fetches. */
const COUNTDOWN_TICK_MS = 250;

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), COUNTDOWN_TICK_MS);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export function describeStatus(status: ConnectionStatus, secondsLeft: number | null): string {
  switch (status.state) {
    case 'live':
      return 'Live';
    case 'catching_up':
      return 'Catching up…';
    case 'connecting':
      return 'Connecting…';
    case 'offline':
      return 'Offline';
    case 'reconnecting':
      return secondsLeft === null ? 'Reconnecting…' : `Reconnecting in ${secondsLeft}s`;
  }
}

export function ConnectionIndicatorView({ status, role }: { status: ConnectionStatus; role: StreamRole }) {
  const secondsLeft = useSecondsUntil(status.state === 'reconnecting' ? status.nextRetryAt : null);
  const holder = role === 'leader' ? 'this tab holds the stream' : 'stream shared from another tab';
  return (
    <div
      className={`connection-indicator state-${status.state}`}
      data-testid="connection-indicator"
      data-state={status.state}
      data-role={role}
      role="status"
      aria-live="polite"
      title={`Realtime: ${status.state} (${holder})`}
    >
      <span className="dot" aria-hidden="true" />
      <span className="label">{describeStatus(status, secondsLeft)}</span>
    </div>
  );
}

export function ConnectionIndicator() {
  const { status, role } = useRealtime();
  return <ConnectionIndicatorView status={status} role={role} />;
}
