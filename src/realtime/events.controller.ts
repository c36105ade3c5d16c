import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, Sse, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtension,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { AckDto } from './dto/ack.dto.js';
import { EventPageResponse, StreamTicketResponse } from './dto/event-responses.dto.js';
import { ListEventsQueryDto } from './dto/list-events-query.dto.js';
import { DOMAIN_EVENT_SCHEMAS, EPHEMERAL_EVENT_SCHEMAS, STREAM_CONTROL_SCHEMAS, STREAM_EVENT_MODELS } from './dto/stream-events.dto.js';
import { StreamQueryDto } from './dto/stream-query.dto.js';
import { EventCursorsService } from './event-cursors.service.js';
import { EventsService } from './events.service.js';
import { StreamAuthGuard } from './stream-auth.guard.js';
import { StreamTicketsService } from './stream-tickets.service.js';
import { StreamsService } from './streams.service.js';

const STREAM_EVENT_TYPES = { ...DOMAIN_EVENT_SCHEMAS, ...EPHEMERAL_EVENT_SCHEMAS, ...STREAM_CONTROL_SCHEMAS };

/** `event:` type → the schema of its `data`, for tools that read the stream route. */
const STREAM_EVENT_REFERENCES = Object.fromEntries(
  Object.entries(STREAM_EVENT_TYPES).map(([type, schema]) => [type, { $ref: getSchemaPath(schema) }]),
);

/** Where a client author finds the schema of each frame's `data`. */
const STREAM_DESCRIPTION = [
  'Frames: `retry:` and `event: connected` first; then `id: <event id>` / `event: <type>` / `data: <JSON>` per event; ' +
    '`event: ping` heartbeats; `event: resync` when the resume point cannot be served. The `data` of each `event:` type:',
  '',
  ...Object.entries(STREAM_EVENT_TYPES).map(
    ([type, schema]) => `- \`${type}\`: [${schema.name}](${getSchemaPath(schema)})`,
  ),
].join('\n');

@ApiTags('realtime')
@ApiBearerAuth()
@ApiExtraModels(...STREAM_EVENT_MODELS)
@ApiErrorResponses(401)
@Controller('events')
export class EventsController {
  constructor(
    private readonly streams: StreamsService,
    private readonly tickets: StreamTicketsService,
    private readonly cursors: EventCursorsService,
    private readonly events: EventsService,
  ) {}

  @ApiOperation({
    summary: 'Server-Sent Events stream of every change the user may see (see docs/realtime.md)',
    description: STREAM_DESCRIPTION,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (wins over lastEventId=)' })
  @ApiExtension('x-event-schemas', STREAM_EVENT_REFERENCES)
  @ApiOkResponse({
    description:
      'The stream. A resume id (`Last-Event-ID` header or `lastEventId=`) older than retention, beyond the head or ' +
      'not a decimal id still answers 200, with `event: resync` first.',
    content: { 'text/event-stream': { schema: { type: 'string', description: 'SSE frames' } } },
  })
  @ApiErrorResponses(400, 429)
  @Public()
  @UseGuards(StreamAuthGuard)
  @Sse('stream')
  openEventStream(@CurrentUser() actor: AuthUser, @Query() query: StreamQueryDto, @Req() request: Request, @Res() response: Response) {
    return this.streams.open(actor, query, request, response);
  }

  @ApiOperation({ summary: 'A single-use ticket (60 s) for EventSource, which cannot send headers' })
  @Post('ticket')
  @ApiCreatedResponse({ type: StreamTicketResponse })
  createStreamTicket(@CurrentUser() actor: AuthUser) {
    return this.tickets.issue(actor);
  }

  @ApiOperation({ summary: 'Store the client cursor (the newest applied event id)' })
  @Post('ack')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Cursor stored' })
  @ApiErrorResponses(400)
  async acknowledgeEvents(@CurrentUser() actor: AuthUser, @Body() dto: AckDto): Promise<void> {
    await this.cursors.ack(actor, dto.clientId, Number(dto.lastEventId));
  }

  @ApiOperation({ summary: 'Catch-up: the events after an id, with the filters and visibility of the stream' })
  @Get()
  @ApiOkResponse({ type: EventPageResponse })
  @ApiErrorResponses(400, 410)
  listEvents(@CurrentUser() actor: AuthUser, @Query() query: ListEventsQueryDto) {
    return this.events.listEvents(actor, query);
  }
}
