import { apiRequest } from './http-client';
import type {
  Channel,
  Conversation,
  ConversationChange,
  ConversationCounts,
  ConversationFilters,
  CurrentUser,
  Customer,
  CustomerInput,
  LoginResponse,
  Message,
  Page,
  SendMessageInput,
  StreamTicket,
  User,
} from './models';
import type { ActivityKind, Presence } from '../realtime/ephemeral-events';

/** The largest page the API serves (docs/api.md: limit 1–100): whole lists in as few requests as possible. */
const MAX_PAGE_SIZE = 100;

/** Every item of a list route, following `nextCursor` to the last page. */
async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await apiRequest<Page<T>>(path, { query: { limit: MAX_PAGE_SIZE, cursor } });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    // A cursor handed out twice would loop forever: the list is as complete as it can be read.
    if (cursor !== undefined && seen.has(cursor)) break;
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return items;
}

/** Every REST call the console makes, one function each (docs/api.md). */
export const api = {
  login: (email: string, password: string) =>
    apiRequest<LoginResponse>('/auth/login', { method: 'POST', body: { email, password }, anonymous: true }),
  me: async () => (await apiRequest<CurrentUser>('/auth/me')).user,
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<LoginResponse>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  listUsers: () => listAll<User>('/users'),
  listChannels: () => listAll<Channel>('/channels'),

  listConversations: (filters: ConversationFilters, cursor?: string) =>
    apiRequest<Page<Conversation>>('/conversations', { query: { ...filters, cursor } }),
  getConversation: (id: string) => apiRequest<Conversation>(`/conversations/${id}`),
  updateConversation: (id: string, change: ConversationChange) =>
    apiRequest<Conversation>(`/conversations/${id}`, { method: 'PATCH', body: change }),

  listMessages: (conversationId: string, before?: string) =>
    apiRequest<Page<Message>>(`/conversations/${conversationId}/messages`, { query: { before } }),
  sendMessage: (conversationId: string, input: SendMessageInput) =>
    apiRequest<Message>(`/conversations/${conversationId}/messages`, { method: 'POST', body: input }),
  conversationCounts: () => apiRequest<ConversationCounts>('/conversations/counts'),
  markRead: (conversationId: string) =>
    apiRequest<void>(`/conversations/${conversationId}/read`, { method: 'POST', body: {} }),
  markUnread: (conversationId: string) =>
    apiRequest<void>(`/conversations/${conversationId}/unread`, { method: 'POST' }),
  reportActivity: (conversationId: string, kind: ActivityKind) =>
    apiRequest<void>(`/conversations/${conversationId}/activity`, { method: 'POST', body: { kind } }),
  listPresence: () => apiRequest<{ items: Presence[] }>('/presence'),

  listCustomers: (q: string, cursor?: string) =>
    apiRequest<Page<Customer>>('/customers', { query: { q, cursor } }),
  createCustomer: (input: CustomerInput) =>
    apiRequest<Customer>('/customers', { method: 'POST', body: input }),
  updateCustomer: (id: string, input: CustomerInput) =>
    apiRequest<Customer>(`/customers/${id}`, { method: 'PATCH', body: input }),
  deleteCustomer: (id: string) => apiRequest<void>(`/customers/${id}`, { method: 'DELETE' }),

  createStreamTicket: () => apiRequest<StreamTicket>('/events/ticket', { method: 'POST' }),
  ackEvents: (clientId: string, lastEventId: string, keepalive = false) =>
    apiRequest<void>('/events/ack', { method: 'POST', body: { clientId, lastEventId }, keepalive }),
};
