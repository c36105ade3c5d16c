import { ApiProperty } from '@nestjs/swagger';
import { PageResponse } from '../openapi/page-response.dto.js';
import { PLATFORMS, type ChannelEntity, type Platform } from './entities/channel.entity.js';

/** A channel as REST answers it. Credentials are write-only: only their presence is shown. */
export class ChannelResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PLATFORMS, enumName: 'Platform' })
  platform!: Platform;

  @ApiProperty({ description: 'Page id, OA id or TikTok business account id, as the webhooks carry it' })
  externalId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'Always true: credentials are stored but never shown' })
  hasCredentials!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ChannelPageResponse extends PageResponse(ChannelResponse) {}

export class ChannelMembersResponse {
  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The agents who work this channel' })
  userIds!: string[];
}

/** The names the services use. */
export type ChannelView = ChannelResponse;
export type ChannelMembersView = ChannelMembersResponse;

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
