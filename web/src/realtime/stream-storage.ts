import { isEventId, isNewerEventId } from './event-ids';

/** What survives a reload: the last applied event id (to resume) and this browser's ack client id. */
const lastEventIdKey = (userId: string): string => `crm-inbox.lastEventId.${userId}`;
const clientIdKey = (userId: string): string => `crm-inbox.clientId.${userId}`;

export function readLastEventId(userId: string): string | null {
  const value = localStorage.getItem(lastEventIdKey(userId));
  return value !== null && isEventId(value) ? value : null;
}

export function writeLastEventId(userId: string, eventId: string): void {
  // Several tabs write here: never move the resume point backwards.
  if (isNewerEventId(eventId, readLastEventId(userId))) localStorage.setItem(lastEventIdKey(userId), eventId);
}

export function streamClientId(userId: string): string {
  const existing = localStorage.getItem(clientIdKey(userId));
  if (existing) return existing;
  const created = `web-${crypto.randomUUID()}`;
  localStorage.setItem(clientIdKey(userId), created);
  return created;
}
