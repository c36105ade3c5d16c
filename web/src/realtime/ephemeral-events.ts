import type { components } from '../api/schema';

/*
 * The stream's ephemeral events (docs/realtime.md): no `id:`, never stored or replayed, so they skip the
 * resume bookkeeping of domain events. Shapes from schema.d.ts (`npm run openapi`).
 */
type Schemas = components['schemas'];
export type AgentActivity = Schemas['AgentActivityEvent'];
export type ActivityKind = AgentActivity['kind'];
export type PresenceStatus = Schemas['PresenceStatus'];
export type Presence = Schemas['PresenceItemResponse'];

export interface EphemeralEventMap {
  agent_activity: AgentActivity;
  presence_changed: Schemas['PresenceChangedEvent'];
}

export type EphemeralEventType = keyof EphemeralEventMap;

export type EphemeralEvent = {
  [K in EphemeralEventType]: { type: K; data: EphemeralEventMap[K] };
}[EphemeralEventType];

const EPHEMERAL_TYPES: Record<EphemeralEventType, true> = { agent_activity: true, presence_changed: true };
export const EPHEMERAL_EVENT_TYPES = Object.keys(EPHEMERAL_TYPES) as EphemeralEventType[];
