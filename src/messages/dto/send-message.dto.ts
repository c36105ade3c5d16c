import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 200;

export class SendMessageDto {
  @ApiProperty({ maxLength: MAX_MESSAGE_LENGTH, example: 'Hello! How can we help?' })
  @IsString()
  @MaxLength(MAX_MESSAGE_LENGTH)
  @Matches(/\S/, { message: 'content must not be empty' })
  content!: string;

  @ApiPropertyOptional({
    maxLength: MAX_CLIENT_MESSAGE_ID_LENGTH,
    description:
      'Idempotency key chosen by the client: sending the same one again in this conversation returns the same message',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CLIENT_MESSAGE_ID_LENGTH)
  clientMessageId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The newest message the agent had on screen: 409 with newMessages when the customer or anyone else wrote later',
  })
  @IsOptional()
  @IsUUID()
  afterMessageId?: string;
}
