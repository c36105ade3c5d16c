import { useNow } from './use-now';

const MINUTE_MS = 60_000;
const HOUR_MINUTES = 60;

export function formatWaiting(since: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / MINUTE_MS));
  if (minutes < 1) return 'waiting <1 min';
  if (minutes < HOUR_MINUTES) return `waiting ${minutes} min`;
  const hours = Math.floor(minutes / HOUR_MINUTES);
  return `waiting ${hours} h ${minutes % HOUR_MINUTES} min`;
}

/** How long the customer has waited for an answer, redrawn as time passes. */
export function WaitingSince({ since }: { since: string }) {
  const now = useNow();
  return (
    <span
      className="waiting"
      data-testid="waiting"
      title={`Unanswered since ${new Date(since).toLocaleString()}`}
    >
      {formatWaiting(since, now)}
    </span>
  );
}
