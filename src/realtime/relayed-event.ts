import type { AccessChange, WireEventType } from '../common/domain-events.js';
import type { EncodedFrame } from './sse-frames.js';

/** A committed event as the relay hands it to the streams: parsed routing fields and its frame, built once. */
export interface RelayedEvent {
  id: number;
  type: WireEventType;
  workspaceId: string;
  channelId: string | null;
  conversationId: string | null;
  /** Only this user's streams receive it; null: everyone who may see the channel. */
  userId: string | null;
  /** The `data` JSON exactly as committed. */
  dataJson: string;
  /** When the event was written, epoch ms (for delivery latency). */
  createdAt: number;
  /** The SSE frame, encoded once per process and written as-is to every stream that may see it. */
  frame: EncodedFrame;
  /** Set for internal `access_changed` events, which update stream visibility and are never sent. */
  accessChange?: AccessChange;
}

export interface EventRow {
  id: string;
  type: string;
  workspace_id: string;
  channel_id: string | null;
  conversation_id: string | null;
  user_id: string | null;
  data: string;
  created_at: Date;
}
