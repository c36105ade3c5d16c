import type { Session } from '../support/fixtures.js';
import type { SseFrame, SseReader } from '../support/sse-reader.js';
import type { TestApp } from '../support/test-app.js';

export interface ConversationBody {
  id: string;
  channelId: string;
  unreadCount: number;
  waitingSince: string | null;
  lastMessage: { id: string; sender: string; content: string; sentAt: string; hasAttachments: boolean } | null;
}

export async function getConversation(t: TestApp, session: Session, id: string): Promise<ConversationBody> {
  const response = await t.http().get(`/api/conversations/${id}`).set(session.auth).expect(200);
  return response.body as ConversationBody;
}

export async function listIds(t: TestApp, session: Session, query: string): Promise<string[]> {
  const response = await t.http().get(`/api/conversations?${query}`).set(session.auth).expect(200);
  return (response.body as { items: ConversationBody[] }).items.map((item) => item.id);
}

export function framesOf(reader: SseReader, type: string): SseFrame[] {
  return reader.frames.filter((frame) => frame.event === type);
}

export function dataOf<T>(frame: SseFrame): T {
  return JSON.parse(frame.data ?? 'null') as T;
}
