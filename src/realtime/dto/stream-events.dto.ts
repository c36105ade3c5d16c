import type { Type } from '@nestjs/common';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { WireEventType } from '../../common/domain-events.js';
import { SharedConversationResponse } from '../../conversations/conversation.view.js';
import { ConversationReadResponse } from '../../conversations/read-state/conversation-read.view.js';
import { ChannelMembersResponse, ChannelResponse } from '../../channels/channel.view.js';
import { CustomerResponse } from '../../customers/customer.view.js';
import { MessageResponse } from '../../messages/message.view.js';
import { UserResponse } from '../../users/user.view.js';

/*
 * The `data` of every event a client can receive on GET /api/events/stream (docs/realtime.md), one
 * named schema per `event:` type, so a client author finds them in the OpenAPI document.
 */

@ApiSchema({ description: '`event: new_message` — a customer message, or an echo of a message the page sent elsewhere' })
export class NewMessageEvent extends MessageResponse {}

@ApiSchema({ description: '`event: message_sent` — an agent reply when created (`pending`) and after each status change' })
export class MessageSentEvent extends MessageResponse {}

@ApiSchema({ description: '`event: message_updated` — the whole message after its stored attachments changed' })
export class MessageUpdatedEvent extends MessageResponse {}

@ApiSchema({ description: '`event: new_conversation` — a new platform thread' })
export class NewConversationEvent extends SharedConversationResponse {}

@ApiSchema({ description: '`event: conversation_updated` — the conversation after the change' })
export class ConversationUpdatedEvent extends SharedConversationResponse {}

@ApiSchema({
  description:
    "`event: conversation_read` — the caller's read point moved (only to that user's streams); conversation events carry no unreadCount",
})
export class ConversationReadEvent extends ConversationReadResponse {}

@ApiSchema({ description: '`event: customer_created` — the customer' })
export class CustomerCreatedEvent extends CustomerResponse {}

@ApiSchema({ description: '`event: customer_updated` — the customer after the change' })
export class CustomerUpdatedEvent extends CustomerResponse {}

@ApiSchema({ description: '`event: customer_deleted`' })
export class CustomerDeletedEvent {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

@ApiSchema({
  description: '`event: channel_updated` — the channel after a change of its health or settings (members and admins)',
})
export class ChannelUpdatedEvent extends ChannelResponse {}

@ApiSchema({
  description:
    '`event: channel_created` — a new channel (admins), or a channel the receiving agent was just added to (that agent only)',
})
export class ChannelCreatedEvent extends ChannelResponse {}

@ApiSchema({
  description:
    '`event: channel_deleted` — a deleted channel (members and admins), or one the receiving agent was removed from (that agent only)',
})
export class ChannelDeletedEvent {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

@ApiSchema({ description: '`event: channel_members_changed` — the member set after PUT /api/channels/:id/members (admins and members)' })
export class ChannelMembersChangedEvent extends ChannelMembersResponse {}

@ApiSchema({ description: '`event: user_created` — admins only' })
export class UserCreatedEvent extends UserResponse {}

@ApiSchema({ description: '`event: user_updated` — the user after a change of name, role or password (admins only)' })
export class UserUpdatedEvent extends UserResponse {}

@ApiSchema({ description: '`event: user_deleted` — admins only' })
export class UserDeletedEvent {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

@ApiSchema({ description: '`event: connected` — the first frame of every stream (after `retry:`); no `id:`' })
export class ConnectedEvent {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty({ example: '1842', description: 'The id the stream resumes after ("0" from the start)' })
  lastEventId!: string;

  @ApiProperty({ description: 'Interval of `ping` frames in milliseconds' })
  heartbeatMs!: number;
}

@ApiSchema({ description: '`event: ping` — heartbeat; its `id:` is the newest event id the stream has caught up to' })
export class PingEvent {
  @ApiProperty({ description: 'Server time, milliseconds since the epoch' })
  ts!: number;
}

@ApiSchema({
  description:
    '`event: resync` — the resume point is older than retention or unknown: refetch over REST, then carry on live',
})
export class ResyncEvent {
  @ApiProperty({ enum: ['retention', 'unknown_id'] })
  reason!: 'retention' | 'unknown_id';

  @ApiProperty({ example: '1842', description: 'The head of the log the stream continues after' })
  lastEventId!: string;
}

type ClientEventType = Exclude<WireEventType, 'access_changed'>;

/** Each domain event type a client may receive and the schema of its `data`. */
export const DOMAIN_EVENT_SCHEMAS = {
  new_message: NewMessageEvent,
  message_sent: MessageSentEvent,
  new_conversation: NewConversationEvent,
  conversation_updated: ConversationUpdatedEvent,
  customer_created: CustomerCreatedEvent,
  customer_updated: CustomerUpdatedEvent,
  customer_deleted: CustomerDeletedEvent,
  conversation_read: ConversationReadEvent,
  channel_updated: ChannelUpdatedEvent,
  message_updated: MessageUpdatedEvent,
  channel_created: ChannelCreatedEvent,
  channel_deleted: ChannelDeletedEvent,
  channel_members_changed: ChannelMembersChangedEvent,
  user_created: UserCreatedEvent,
  user_updated: UserUpdatedEvent,
  user_deleted: UserDeletedEvent,
} as const satisfies Record<ClientEventType, Type>;

@ApiSchema({ description: '`event: agent_activity` — ephemeral (no `id:`): another agent viewing or typing; expire it at expiresAt' })
export class AgentActivityEvent {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['viewing', 'typing', 'idle'] })
  kind!: 'viewing' | 'typing' | 'idle';

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

@ApiSchema({ description: '`event: presence_changed` — ephemeral (no `id:`): a user of the workspace changed presence' })
export class PresenceChangedEvent {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: ['online', 'away', 'offline'] })
  status!: 'online' | 'away' | 'offline';

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  since!: string | null;
}

/** Events never stored: no `id:`, never replayed. */
export const EPHEMERAL_EVENT_SCHEMAS = { agent_activity: AgentActivityEvent, presence_changed: PresenceChangedEvent } as const;

/** Frames of the stream itself, not stored in the log. */
export const STREAM_CONTROL_SCHEMAS = { connected: ConnectedEvent, ping: PingEvent, resync: ResyncEvent } as const;

export const STREAM_EVENT_MODELS: Type[] = [
  ...Object.values(DOMAIN_EVENT_SCHEMAS),
  ...Object.values(EPHEMERAL_EVENT_SCHEMAS),
  ...Object.values(STREAM_CONTROL_SCHEMAS),
];
