import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageLimitQueryDto } from '../../common/pagination.js';

const MAX_CURSOR_LENGTH = 512;

/** `before` is the nextCursor of the previous (newer) page. */
export class ListMessagesQueryDto extends PageLimitQueryDto {
  @ApiPropertyOptional({
    description: 'nextCursor of the previous page: returns messages older than it (opaque)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  before?: string;
}
