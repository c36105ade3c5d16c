import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CREDENTIALS_DESCRIPTION, MAX_CHANNEL_NAME_LENGTH } from './create-channel.dto.js';

/** The platform and externalId of a channel never change; credentials are replaced as a whole. */
export class UpdateChannelDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CHANNEL_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: `${CREDENTIALS_DESCRIPTION} Replaces the whole credentials object; checked against the channel's platform.`,
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Facebook: send replies 24 h – 7 d after the last customer message with the HUMAN_AGENT tag',
  })
  @IsOptional()
  @IsBoolean()
  humanAgentTag?: boolean;
}
