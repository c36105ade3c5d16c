import { apiRequest } from './http-client';
import type {
  Channel,
  Conversation,
  ConversationFilters,
  ConversationStatus,
  Customer,
  CustomerInput,
  LoginResponse,
  Message,
  Page,
  StreamTicket,
  User,
} from './types';

/** Every REST call the console makes, one function each (shared/API.md). */
export const api = {
  login: (email: string, password: string) =>
    apiRequest<LoginResponse>('/auth/login', { method: 'POST', body: { email, password }, anonymous: true }),
  me: async () => (await apiRequest<{ user: User }>('/auth/me')).user,
  listUsers: () => apiRequest<User[] | Page<User>>('/users'),
  listChannels: () => apiRequest<Channel[] | Page<Channel>>('/channels'),

  listConversations: (filters: ConversationFilters, cursor?: string) =>
    apiRequest<Page<Conversation>>('/conversations', { query: { ...filters, cursor } }),
  getConversation: (id: string) => apiRequest<Conversation>(`/conversations/${id}`),
  updateConversation: (id: string, change: { status?: ConversationStatus; assigneeId?: string | null }) =>
    apiRequest<Conversation>(`/conversations/${id}`, { method: 'PATCH', body: change }),

  listMessages: (conversationId: string, before?: string) =>
    apiRequest<Page<Message>>(`/conversations/${conversationId}/messages`, { query: { before } }),
  sendMessage: (conversationId: string, content: string, clientMessageId: string) =>
    apiRequest<Message>(`/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: { content, clientMessageId },
    }),

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

/** Some list routes answer a bare array, others a page: the console only needs the items. */
export function itemsOf<T>(answer: T[] | Page<T>): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}
