import { INTERNAL_EVENT_TYPES, type AccessChange, type WireEventType } from '../common/domain-events.js';
import type { EventRow, RelayedEvent } from './relayed-event.js';
import { encodeFrame, eventFrame, type EncodedFrame } from './sse-frames.js';

const EMPTY_FRAME: EncodedFrame = encodeFrame('');

export function toRelayedEvent(row: EventRow): RelayedEvent {
  const id = Number(row.id);
  const type = row.type as WireEventType;
  const internal = INTERNAL_EVENT_TYPES.includes(type);
  return {
    id,
    type,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    userId: row.user_id ?? null,
    dataJson: row.data,
    createdAt: row.created_at.getTime(),
    frame: internal ? EMPTY_FRAME : encodeFrame(eventFrame(id, type, row.data)),
    accessChange: internal ? (JSON.parse(row.data) as AccessChange) : undefined,
  };
}
