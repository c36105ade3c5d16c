import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsUUID } from 'class-validator';

export const MAX_CHANNEL_MEMBERS = 1000;

export class SetChannelMembersDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'The complete member set (users of this workspace); [] removes everyone',
  })
  @IsArray()
  @ArrayMaxSize(MAX_CHANNEL_MEMBERS)
  @IsUUID('all', { each: true })
  userIds!: string[];
}
