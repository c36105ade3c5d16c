import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { AckDto } from './dto/ack.dto.js';
import { ListEventsQueryDto } from './dto/list-events-query.dto.js';
import { StreamQueryDto } from './dto/stream-query.dto.js';
import { EventCursorsService } from './event-cursors.service.js';
import { EventsService } from './events.service.js';
import { StreamAuthGuard } from './stream-auth.guard.js';
import { StreamTicketsService } from './stream-tickets.service.js';
import { StreamsService } from './streams.service.js';

@ApiTags('realtime')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(
    private readonly streams: StreamsService,
    private readonly tickets: StreamTicketsService,
    private readonly cursors: EventCursorsService,
    private readonly events: EventsService,
  ) {}

  @ApiOperation({ summary: 'Server-Sent Events stream of every change the user may see (see API.md)' })
  @ApiProduces('text/event-stream')
  @Public()
  @UseGuards(StreamAuthGuard)
  @Sse('stream')
  openEventStream(@CurrentUser() actor: AuthUser, @Query() query: StreamQueryDto, @Req() request: Request, @Res() response: Response) {
    return this.streams.open(actor, query, request, response);
  }

  @ApiOperation({ summary: 'A single-use ticket (60 s) for EventSource, which cannot send headers' })
  @Post('ticket')
  createStreamTicket(@CurrentUser() actor: AuthUser) {
    return this.tickets.issue(actor);
  }

  @ApiOperation({ summary: 'Store the client cursor (the newest applied event id)' })
  @Post('ack')
  @HttpCode(204)
  async acknowledgeEvents(@CurrentUser() actor: AuthUser, @Body() dto: AckDto): Promise<void> {
    await this.cursors.ack(actor, dto.clientId, Number(dto.lastEventId));
  }

  @ApiOperation({ summary: 'Catch-up: the events after an id, with the filters and visibility of the stream' })
  @Get()
  listEvents(@CurrentUser() actor: AuthUser, @Query() query: ListEventsQueryDto) {
    return this.events.listEvents(actor, query);
  }
}
