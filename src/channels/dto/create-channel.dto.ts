import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, MaxLength, MinLength } from 'class-validator';
import { PLATFORMS, type Platform } from '../entities/channel.entity.js';
import { IsCredentialsForPlatform } from './credentials-for-platform.validator.js';

export const MAX_CHANNEL_NAME_LENGTH = 200;
export const MAX_EXTERNAL_ID_LENGTH = 200;

export const CREDENTIALS_DESCRIPTION =
  'Write-only. facebook: {appSecret, pageAccessToken, verifyToken}; zalo: {appId, oaSecretKey, accessToken}; ' +
  'tiktok: {appSecret, accessToken}. Optional, for token refresh: zalo {appSecret (the App Secret Key), refreshToken}, ' +
  'tiktok {appId (the client key), refreshToken}; zalo and tiktok {accessTokenExpiresAt} (ISO). Never returned.';

export class CreateChannelDto {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiProperty({
    description: 'Page id / OA id / TikTok business account id that webhooks carry',
    example: '104857600123',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EXTERNAL_ID_LENGTH)
  externalId!: string;

  @ApiProperty({ example: 'Acme Store page' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CHANNEL_NAME_LENGTH)
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: CREDENTIALS_DESCRIPTION,
    example: { appSecret: 'app-secret', pageAccessToken: 'page-token', verifyToken: 'verify-token' },
  })
  @IsObject()
  @IsCredentialsForPlatform()
  credentials!: Record<string, unknown>;
}
