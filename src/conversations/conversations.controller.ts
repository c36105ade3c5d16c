import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { ConversationPageResponse, ConversationResponse } from './conversation.view.js';
import { ConversationsService } from './conversations.service.js';
import { ListConversationsQueryDto } from './dto/list-conversations-query.dto.js';
import { UpdateConversationDto } from './dto/update-conversation.dto.js';

/** Conversations are created by the webhooks; agents see those of their member channels only. */
@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOkResponse({ type: ConversationPageResponse, description: 'Newest lastMessageAt first' })
  @ApiErrorResponses(400)
  listConversations(@CurrentUser() actor: AuthUser, @Query() query: ListConversationsQueryDto) {
    return this.conversations.listConversations(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrorResponses(400, 404)
  getConversation(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.conversations.getConversation(actor, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrorResponses(400, 404)
  updateConversation(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateConversationDto,
  ) {
    return this.conversations.updateConversation(actor, id, dto);
  }
}
