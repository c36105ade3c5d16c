import type { ChannelEntity, Platform } from './entities/channel.entity.js';

/** A channel as REST answers it. Credentials are write-only: only their presence is shown. */
export interface ChannelView {
  id: string;
  platform: Platform;
  externalId: string;
  name: string;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ChannelMembersView {
  channelId: string;
  userIds: string[];
}

export function toChannelView(channel: ChannelEntity): ChannelView {
  return {
    id: channel.id,
    platform: channel.platform,
    externalId: channel.externalId,
    name: channel.name,
    // credentials_encrypted is NOT NULL: every channel has credentials.
    hasCredentials: true,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
