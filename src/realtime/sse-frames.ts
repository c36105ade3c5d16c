/** Server-Sent Events frames (API.md "Realtime stream"). Each ends with a blank line; data is one line of JSON. */

export function retryFrame(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}

export function eventFrame(id: number | string, type: string, dataJson: string): string {
  return `id: ${id}\nevent: ${type}\ndata: ${dataJson}\n\n`;
}

export function connectedFrame(connectionId: string, lastEventId: string, heartbeatMs: number, retryMs: number): string {
  return `retry: ${retryMs}\nevent: connected\ndata: ${JSON.stringify({ connectionId, lastEventId, heartbeatMs })}\n\n`;
}

/** A heartbeat carries, as id, the newest event id the stream has fully caught up to. */
export function pingFrame(caughtUpId: number, timestamp: number): string {
  return `id: ${caughtUpId}\nevent: ping\ndata: {"ts":${timestamp}}\n\n`;
}

export function resyncFrame(headId: number, reason: 'retention' | 'unknown_id'): string {
  return `id: ${headId}\nevent: resync\ndata: ${JSON.stringify({ reason, lastEventId: String(headId) })}\n\n`;
}
