import type { Conversation, Customer, Message } from '../api/types';

/** Each domain event type of the stream and its `data` (API.md "Realtime stream"). */
export interface StreamEventMap {
  new_message: Message;
  message_sent: Message;
  new_conversation: Conversation;
  conversation_updated: Conversation;
  customer_created: Customer;
  customer_updated: Customer;
  customer_deleted: { id: string };
}

export type StreamEventType = keyof StreamEventMap;

export const STREAM_EVENT_TYPES: readonly StreamEventType[] = [
  'new_message',
  'message_sent',
  'new_conversation',
  'conversation_updated',
  'customer_created',
  'customer_updated',
  'customer_deleted',
];

/** One applied event: its log id (decimal string), its type and its payload, typed together. */
export type StreamEvent = {
  [K in StreamEventType]: { id: string; type: K; data: StreamEventMap[K] };
}[StreamEventType];

export type StreamEventOf<K extends StreamEventType> = Extract<StreamEvent, { type: K }>;

/** Event ids are decimal integers that may outgrow Number: compare them as BigInt. */
export function isNewerEventId(candidate: string, than: string | null): boolean {
  if (than === null) return true;
  try {
    return BigInt(candidate) > BigInt(than);
  } catch {
    return false;
  }
}

export function isEventId(value: string): boolean {
  return /^\d+$/.test(value);
}
