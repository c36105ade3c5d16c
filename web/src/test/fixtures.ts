import type { Channel, Conversation, Customer, Message, Page, MessageAttachment, User } from '../api/models';
import type { PagedList } from '../cache/infinite-lists';

let counter = 0;
const nextId = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: nextId(),
    platform: 'facebook',
    externalId: 'page-1',
    name: 'Page',
    hasCredentials: true,
    status: 'active',
    statusReason: null,
    tokenExpiresAt: null,
    canRefreshToken: false,
    humanAgentTag: false,
    webhookUrl: 'http://localhost:3000/api/webhooks/facebook',
    createdAt: '2026-01-01T08:00:00.000Z',
    updatedAt: '2026-01-01T08:00:00.000Z',
    ...overrides,
  };
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  const id = overrides.id ?? nextId();
  return {
    id,
    channelId: 'channel-1',
    customerId: `customer-of-${id}`,
    platform: 'facebook',
    status: 'open',
    assigneeId: null,
    lastMessageAt: '2026-01-01T10:00:00.000Z',
    createdAt: '2026-01-01T09:00:00.000Z',
    customer: { id: `customer-of-${id}`, name: 'Alice', avatarUrl: null, externalUserId: null },
    lastMessage: null,
    unreadCount: 0,
    waitingSince: null,
    replyWindow: { state: 'open', closesAt: '2026-01-02T10:00:00.000Z', remaining: null, reason: null },
    ...overrides,
  };
}

export function message(overrides: Partial<Message> = {}): Message {
  return {
    id: nextId(),
    conversationId: 'conversation-1',
    sender: 'customer',
    senderUserId: null,
    content: 'hello',
    attachments: [],
    sentAt: '2026-01-01T10:00:00.000Z',
    platformMessageId: null,
    status: 'received',
    error: null,
    clientMessageId: null,
    ...overrides,
  };
}

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: nextId(),
    name: 'Bob',
    phone: null,
    email: null,
    notes: null,
    avatarUrl: null,
    identities: [],
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

export function paged<T>(...pages: Array<Page<T>>): PagedList<T> {
  return { pages, pageParams: pages.map((_, index) => (index === 0 ? undefined : `cursor-${index}`)) };
}

export function attachment(overrides: Partial<MessageAttachment> = {}): MessageAttachment {
  return {
    type: 'image',
    url: '/x',
    mediaId: null,
    name: null,
    mimeType: null,
    size: null,
    originalUrl: null,
    ...overrides,
  };
}

export function agent(overrides: Partial<User> = {}): User {
  return {
    id: 'agent-1',
    email: 'agent@example.com',
    name: 'Agent One',
    role: 'agent',
    workspaceId: 'w',
    ...overrides,
  };
}
