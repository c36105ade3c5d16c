import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ListMessagesQueryDto } from './dto/list-messages-query.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { MessagePageResponse, MessageResponse } from './message.view.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations/:conversationId/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOkResponse({ type: MessagePageResponse, description: 'Oldest first within the page' })
  @ApiErrorResponses(400, 404)
  listMessages(
    @CurrentUser() actor: AuthUser,
    @Param('conversationId', ParseUUIDPipe) conversationId: string,
    @Query() query: ListMessagesQueryDto,
  ) {
    return this.messages.listMessages(actor, conversationId, query);
  }

  /** 202: the message is queued (`pending`); the platform send follows. */
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MessageResponse, description: 'Queued with status `pending`; the platform send follows' })
  @ApiErrorResponses(400, 404, 409, 422)
  sendMessage(
    @CurrentUser() actor: AuthUser,
    @Param('conversationId', ParseUUIDPipe) conversationId: string,
    @Body() dto: SendMessageDto,
  ) {
    return this.messages.sendMessage(actor, conversationId, dto);
  }
}
