import type { EphemeralEventType } from '../../common/domain-events.js';

/** NOTIFY channel of ephemeral events; the payload is the event itself (they are small: well under 8000 bytes). */
export const EPHEMERAL_NOTIFY_CHANNEL = 'crm_ephemeral';

/** An event that is never stored: who may see it and its `data`, as it travels between instances. */
export interface EphemeralEvent {
  type: EphemeralEventType;
  workspaceId: string;
  /** The channel it belongs to (agent_activity); null: the whole workspace (presence_changed). */
  channelId: string | null;
  conversationId: string | null;
  /** The user whose own streams do not get it (the reporter of an activity). */
  exceptUserId: string | null;
  data: Record<string, unknown>;
  /** The instance that sent it (absent from instances that do not say). */
  origin?: string;
}

/**
 * What a starting instance NOTIFYs so the others know it exists: no workspace, so no stream receives it, and
 * an instance that does not know it drops it the same way.
 */
export function instanceStarted(origin: string): EphemeralEvent {
  return { type: 'presence_changed', workspaceId: '', channelId: null, conversationId: null, exceptUserId: null, data: {}, origin };
}

/** An SSE frame without `id:`, so it never moves a client's resume point. */
export function ephemeralFrame(event: EphemeralEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export function parseEphemeralEvent(payload: string | undefined): EphemeralEvent | null {
  if (!payload) return null;
  try {
    const event = JSON.parse(payload) as EphemeralEvent;
    return typeof event.workspaceId === 'string' && typeof event.type === 'string' ? event : null;
  } catch {
    return null;
  }
}
