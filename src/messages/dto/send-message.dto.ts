import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  ValidateBy,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 200;
/** Files one message may carry (each goes out as its own platform message). */
export const MAX_MESSAGE_ATTACHMENTS = 10;

function hasAttachments(dto: SendMessageDto): boolean {
  return Array.isArray(dto.attachmentIds) && dto.attachmentIds.length > 0;
}

/** Blank text is allowed only beside a file (the message is then the files alone). */
function NotBlankWithoutAttachments(): PropertyDecorator {
  return ValidateBy({
    name: 'notBlankWithoutAttachments',
    validator: {
      validate: (value, args) =>
        hasAttachments(args?.object as SendMessageDto) || (typeof value === 'string' && /\S/.test(value)),
      defaultMessage: () => 'content must not be empty (or send at least one attachment)',
    },
  });
}

export class SendMessageDto {
  @ApiPropertyOptional({
    maxLength: MAX_MESSAGE_LENGTH,
    example: 'Hello! How can we help?',
    description: 'Required (at least one non-space character) unless attachmentIds names a file',
  })
  // Without attachments the text is the message: it must be there and not blank.
  @ValidateIf((dto: SendMessageDto) => dto.content !== undefined || !hasAttachments(dto))
  @IsString()
  @MaxLength(MAX_MESSAGE_LENGTH)
  @NotBlankWithoutAttachments()
  content?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_MESSAGE_ATTACHMENTS,
    uniqueItems: true,
    description:
      'Uploads (POST /api/uploads) to send with the message, in order; each goes out as its own platform message, after the text',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MESSAGE_ATTACHMENTS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];

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
