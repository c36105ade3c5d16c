import { ApiProperty } from '@nestjs/swagger';
import { PageResponse } from '../openapi/page-response.dto.js';
import {
  CHANNEL_STATUSES,
  PLATFORMS,
  type ChannelEntity,
  type ChannelStatus,
  type Platform,
} from './entities/channel.entity.js';

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

  @ApiProperty({ enum: CHANNEL_STATUSES, enumName: 'ChannelStatus' })
  status!: ChannelStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Why the channel needs reconnecting; null when active' })
  statusReason!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the access token expires; null while unknown',
  })
  tokenExpiresAt!: string | null;

  @ApiProperty({ description: 'The credentials let the server refresh the access token itself' })
  canRefreshToken!: boolean;

  @ApiProperty({ description: 'Facebook: replies 24 h – 7 d after the last customer message use the HUMAN_AGENT tag' })
  humanAgentTag!: boolean;

  @ApiProperty({
    description:
      "The absolute URL of this platform's webhook route, for the platform's console. In stream events it is " +
      'absolute only when PUBLIC_URL is set; otherwise the path, to resolve against the server the client talks to',
  })
  webhookUrl!: string;

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

/** The webhook route of a platform under `baseUrl` ('' gives the path alone). */
export function webhookUrl(baseUrl: string, platform: Platform): string {
  return `${baseUrl}/api/webhooks/${platform}`;
}

/**
 * `baseUrl`: PUBLIC_URL, else the request's origin for a REST answer; events are not per request, so they use
 * PUBLIC_URL or '' (the webhook path; clients resolve it against their own origin).
 */
export function toChannelView(channel: ChannelEntity, baseUrl: string): ChannelView {
  return {
    id: channel.id,
    platform: channel.platform,
    externalId: channel.externalId,
    name: channel.name,
    // credentials_encrypted is NOT NULL: every channel has credentials.
    hasCredentials: true,
    ...channelHealthView(channel),
    webhookUrl: webhookUrl(baseUrl, channel.platform),
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}

/** The health fields of a channel view, on their own so other view fields can be added beside them. */
export function channelHealthView(
  channel: ChannelEntity,
): Pick<ChannelView, 'status' | 'statusReason' | 'tokenExpiresAt' | 'canRefreshToken' | 'humanAgentTag'> {
  return {
    status: channel.status,
    statusReason: channel.statusReason,
    tokenExpiresAt: channel.tokenExpiresAt?.toISOString() ?? null,
    canRefreshToken: channel.canRefreshToken,
    humanAgentTag: channel.humanAgentTag,
  };
}
