import { ChannelMemberEntity } from '../channels/entities/channel-member.entity.js';
import { ChannelEntity } from '../channels/entities/channel.entity.js';
import { ConversationEntity } from '../conversations/entities/conversation.entity.js';
import { CustomerIdentityEntity } from '../customers/entities/customer-identity.entity.js';
import { CustomerEntity } from '../customers/entities/customer.entity.js';
import { MessageEntity } from '../messages/entities/message.entity.js';
import { UserEntity } from '../users/entities/user.entity.js';
import { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';

export const entities = [
  WorkspaceEntity,
  UserEntity,
  ChannelEntity,
  ChannelMemberEntity,
  CustomerEntity,
  CustomerIdentityEntity,
  ConversationEntity,
  MessageEntity,
];
