import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { CLIENT_EVENT_TYPES } from '../../common/domain-events.js';
import { PageResponse } from '../../openapi/page-response.dto.js';
import { DOMAIN_EVENT_SCHEMAS } from './stream-events.dto.js';

export class StreamTicketResponse {
  @ApiProperty({ description: 'Pass as `?ticket=` to GET /api/events/stream; single use' })
  ticket!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

/** One event of the log, as GET /api/events answers it: the same `id`, type and `data` as on the stream. */
export class EventItemResponse {
  @ApiProperty({ example: '1842', description: 'Event id (decimal string)' })
  id!: string;

  @ApiProperty({ enum: CLIENT_EVENT_TYPES, enumName: 'StreamEventType' })
  type!: string;

  @ApiProperty({
    description: 'The event data; its schema is the one of `type` (NewMessageEvent for new_message, …)',
    oneOf: Object.values(DOMAIN_EVENT_SCHEMAS).map((schema) => ({ $ref: getSchemaPath(schema) })),
  })
  data!: unknown;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class EventPageResponse extends PageResponse(EventItemResponse) {}
