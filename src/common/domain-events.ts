import type { EntityManager } from 'typeorm';
import type { ChannelMembersView, ChannelView } from '../channels/channel.view.js';
import type { ConversationView } from '../conversations/conversation.view.js';
import type { CustomerView } from '../customers/customer.view.js';
import type { MessageView } from '../messages/message.view.js';
import type { ConversationReadView } from '../conversations/read-state/conversation-read.view.js';
import type { UserView } from '../users/user.view.js';

/**
 * The one typed map of domain events: internal name → payload. The payload is exactly the `data` of the
 * event on the wire (docs/realtime.md); WIRE_EVENT_TYPES gives its wire name.
 */
export interface DomainEventPayloads {
  'customer.created': CustomerView;
  'customer.updated': CustomerView;
  'customer.deleted': { id: string };
  'conversation.started': ConversationView;
  'conversation.updated': ConversationView;
  /** A customer message, or an echo of a message the page sent from elsewhere. */
  'message.received': MessageView;
  /** An agent reply created here, and each later delivery-status change of it. */
  'message.sent': MessageView;
  /** The whole message, after its stored attachments changed (an inbound download finished). */
  'message.updated': MessageView;
  /** A user's read point moved: only that user's streams receive it (EventScope.userId). */
  'conversation.read': ConversationReadView;
  /** A change of a channel's health (status, statusReason, tokenExpiresAt) or of its settings (PATCH). */
  'channel.updated': ChannelView;
  /** A new channel (admins), or a channel an agent was just added to (that agent only, EventScope.userId). */
  'channel.created': ChannelView;
  /** A deleted channel (its members and admins), or one an agent was removed from (that agent only). */
  'channel.deleted': { id: string };
  /** A channel's member set after PUT /api/channels/:id/members (admins and the members). */
  'channel.members_changed': ChannelMembersView;
  /** Users of the workspace: admin-only (ADMIN_ONLY_EVENT_TYPES). */
  'user.created': UserView;
  'user.updated': UserView;
  'user.deleted': { id: string };
  /** Who may see what changed: logged in order with the data so every instance updates its streams at once. */
  'access.changed': AccessChange;
}

export type AccessChange =
  | { kind: 'channel_members'; channelId: string; userIds: string[] }
  | { kind: 'channel_deleted'; channelId: string }
  | { kind: 'user_changed'; userId: string };

export type DomainEventName = keyof DomainEventPayloads;

export const WIRE_EVENT_TYPES = {
  'customer.created': 'customer_created',
  'customer.updated': 'customer_updated',
  'customer.deleted': 'customer_deleted',
  'conversation.started': 'new_conversation',
  'conversation.updated': 'conversation_updated',
  'message.received': 'new_message',
  'message.sent': 'message_sent',
  'message.updated': 'message_updated',
  'conversation.read': 'conversation_read',
  'channel.updated': 'channel_updated',
  'channel.created': 'channel_created',
  'channel.deleted': 'channel_deleted',
  'channel.members_changed': 'channel_members_changed',
  'user.created': 'user_created',
  'user.updated': 'user_updated',
  'user.deleted': 'user_deleted',
  'access.changed': 'access_changed',
} as const satisfies Record<DomainEventName, string>;

export type WireEventType = (typeof WIRE_EVENT_TYPES)[DomainEventName];

/** Wire types that clients may receive (and filter on with `types=`). `access_changed` stays internal. */
export const CLIENT_EVENT_TYPES: readonly WireEventType[] = [
  'new_message',
  'message_sent',
  'new_conversation',
  'conversation_updated',
  'customer_created',
  'customer_updated',
  'customer_deleted',
  'conversation_read',
  'channel_updated',
  'message_updated',
  'channel_created',
  'channel_deleted',
  'channel_members_changed',
  'user_created',
  'user_updated',
  'user_deleted',
];
/** Events only admins receive, on the stream and from GET /api/events, whatever their scope. */
export const ADMIN_ONLY_EVENT_TYPES: readonly WireEventType[] = ['user_created', 'user_updated', 'user_deleted'];
const ADMIN_ONLY = new Set<string>(ADMIN_ONLY_EVENT_TYPES);
export function isAdminOnlyEventType(type: string): boolean {
  return ADMIN_ONLY.has(type);
}
/** Events that are never stored: no `id:`, never replayed, not in GET /api/events (realtime/ephemeral/). */
export const EPHEMERAL_EVENT_TYPES = ['agent_activity', 'presence_changed'] as const;
export type EphemeralEventType = (typeof EPHEMERAL_EVENT_TYPES)[number];
/** Every type a stream's `types=` may name. */
export type StreamEventType = WireEventType | EphemeralEventType;
export const STREAM_EVENT_TYPES: readonly StreamEventType[] = [...CLIENT_EVENT_TYPES, ...EPHEMERAL_EVENT_TYPES];

export const INTERNAL_EVENT_TYPES: readonly WireEventType[] = ['access_changed'];

/** Who may see an event: the workspace, and the channel when it belongs to one (null = workspace-wide). */
export interface EventScope {
  workspaceId: string;
  channelId: string | null;
  conversationId: string | null;
  /** Set for an event of one user only (their read state); absent or null: everyone who may see the channel. */
  userId?: string | null;
}

/** The scope of a workspace-wide event (customers, users, access changes): no channel, no conversation. */
export function workspaceScope(workspaceId: string): EventScope {
  return { workspaceId, channelId: null, conversationId: null };
}

export interface DomainEvent<K extends DomainEventName = DomainEventName> extends EventScope {
  name: K;
  data: DomainEventPayloads[K];
}

/** What every @OnEvent handler of a domain event receives: the event and the transaction it belongs to. */
export interface DomainEventEnvelope<K extends DomainEventName = DomainEventName> {
  event: DomainEvent<K>;
  manager: EntityManager;
}
