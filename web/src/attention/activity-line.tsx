import type { AgentActivity } from '../realtime/ephemeral-events';

function names(list: AgentActivity[]): string {
  const all = list.map((activity) => activity.name);
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/** "Alice is typing…", "Bob is viewing": what colleagues do in this conversation right now. */
export function ActivityLine({ activity }: { activity: AgentActivity[] }) {
  const typing = activity.filter((a) => a.kind === 'typing');
  const viewing = activity.filter((a) => a.kind === 'viewing');
  const parts: string[] = [];
  if (typing.length) parts.push(`${names(typing)} ${typing.length === 1 ? 'is' : 'are'} typing…`);
  if (viewing.length) parts.push(`${names(viewing)} ${viewing.length === 1 ? 'is' : 'are'} viewing`);
  return (
    <div className="activity" data-testid="activity" aria-live="polite">
      {parts.join(' · ')}
    </div>
  );
}
