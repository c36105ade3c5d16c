import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { EVENT_ID_PATTERN } from './stream-query.dto.js';

export class AckDto {
  @ApiProperty({ description: 'A stable id of the client (e.g. one per browser profile)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientId!: string;

  @ApiProperty({ example: '1842', description: 'The newest event id the client has applied' })
  @IsString()
  @Matches(EVENT_ID_PATTERN, { message: 'lastEventId must be a non-negative integer' })
  lastEventId!: string;
}
