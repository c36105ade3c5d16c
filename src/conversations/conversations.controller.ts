import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/decorators.js';
import { ConversationsService } from './conversations.service.js';
import { ListConversationsQueryDto } from './dto/list-conversations-query.dto.js';
import { UpdateConversationDto } from './dto/update-conversation.dto.js';

/** Conversations are created by the webhooks; agents see those of their member channels only. */
@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  listConversations(@CurrentUser() actor: AuthUser, @Query() query: ListConversationsQueryDto) {
    return this.conversations.listConversations(actor, query);
  }

  @Get(':id')
  getConversation(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.conversations.getConversation(actor, id);
  }

  @Patch(':id')
  updateConversation(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateConversationDto,
  ) {
    return this.conversations.updateConversation(actor, id, dto);
  }
}
