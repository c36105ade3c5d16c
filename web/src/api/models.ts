import type { components, operations } from './schema';

/*
 * The console's names for the shapes of the REST API and the event stream. Every shape comes from
 * schema.d.ts, generated from docs/openapi.json (`npm run openapi`): nothing here is written by hand.
 */
type Schemas = components['schemas'];

export type Platform = Schemas['Platform'];
export type UserRole = Schemas['UserRole'];
export type ConversationStatus = Schemas['ConversationStatus'];
export type MessageSender = Schemas['MessageSender'];
export type MessageStatus = Schemas['MessageStatus'];

export type User = Schemas['UserResponse'];
export type Channel = Schemas['ChannelResponse'];
export type ChannelMembers = Schemas['ChannelMembersResponse'];
export type CustomerIdentity = Schemas['CustomerIdentityResponse'];
export type Customer = Schemas['CustomerResponse'];
export type Conversation = Schemas['ConversationResponse'];
/** A conversation as events carry it: without the caller's own `unreadCount`. */
export type SharedConversation = Schemas['ConversationUpdatedEvent'];
export type LastMessage = Schemas['LastMessageResponse'];
export type ConversationCounts = Schemas['ConversationCountsResponse'];
export type ConversationRead = Schemas['ConversationReadEvent'];
export type MessageAttachment = Schemas['MessageAttachmentResponse'];
export type Message = Schemas['MessageResponse'];
export type LoginResponse = Schemas['AuthSessionResponse'];
export type CurrentUser = Schemas['CurrentUserResponse'];
export type StreamTicket = Schemas['StreamTicketResponse'];
/** A file stored by `POST /api/uploads`, to be sent by its id in `attachmentIds`. */
export type Upload = Schemas['UploadResponse'];
/** A reply: non-empty `content` or at least one attachment (docs/api.md). */
export type SendMessageInput = Schemas['SendMessageDto'];

/** Every list answer: `{items, nextCursor}`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type CustomerInput = Schemas['CreateCustomerDto'];
export type ConversationChange = Schemas['UpdateConversationDto'];
export type ConversationFilters = Omit<
  NonNullable<operations['ConversationsController_listConversations']['parameters']['query']>,
  'limit' | 'cursor'
>;

/** The domain event types of the stream (what `types=` accepts). */
export type StreamEventType = Schemas['StreamEventType'];

/** The schema of each event type's `data`, as the stream route of the OpenAPI document lists them. */
interface StreamEventSchemaNames {
  new_message: 'NewMessageEvent';
  message_sent: 'MessageSentEvent';
  message_updated: 'MessageUpdatedEvent';
  new_conversation: 'NewConversationEvent';
  conversation_updated: 'ConversationUpdatedEvent';
  customer_created: 'CustomerCreatedEvent';
  customer_updated: 'CustomerUpdatedEvent';
  customer_deleted: 'CustomerDeletedEvent';
  conversation_read: 'ConversationReadEvent';
  channel_updated: 'ChannelUpdatedEvent';
  channel_created: 'ChannelCreatedEvent';
  channel_deleted: 'ChannelDeletedEvent';
  channel_members_changed: 'ChannelMembersChangedEvent';
  user_created: 'UserCreatedEvent';
  user_updated: 'UserUpdatedEvent';
  user_deleted: 'UserDeletedEvent';
}

export type StreamEventMap = { [K in StreamEventType]: Schemas[StreamEventSchemaNames[K]] };

/** One applied event: its log id (decimal string), its type and its payload, typed together. */
export type StreamEvent = {
  [K in StreamEventType]: { id: string; type: K; data: StreamEventMap[K] };
}[StreamEventType];

export type StreamEventOf<K extends StreamEventType> = Extract<StreamEvent, { type: K }>;
