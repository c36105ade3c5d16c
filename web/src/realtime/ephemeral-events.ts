/*
 * The stream's ephemeral events (docs/realtime.md): no `id:`, never stored or replayed, so they skip the
 * resume bookkeeping of domain events. Shapes as docs/api.md describes them.
 */
export type ActivityKind = 'viewing' | 'typing' | 'idle';
export type PresenceStatus = 'online' | 'away' | 'offline';

export interface AgentActivity {
  conversationId: string;
  userId: string;
  name: string;
  kind: ActivityKind;
  expiresAt: string;
}

export interface Presence {
  userId: string;
  status: PresenceStatus;
  since: string | null;
}

export interface EphemeralEventMap {
  agent_activity: AgentActivity;
  presence_changed: Presence;
}

export type EphemeralEventType = keyof EphemeralEventMap;

export type EphemeralEvent = {
  [K in EphemeralEventType]: { type: K; data: EphemeralEventMap[K] };
}[EphemeralEventType];

const EPHEMERAL_TYPES: Record<EphemeralEventType, true> = { agent_activity: true, presence_changed: true };
export const EPHEMERAL_EVENT_TYPES = Object.keys(EPHEMERAL_TYPES) as EphemeralEventType[];
