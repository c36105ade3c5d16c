import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/decorators.js';
import { ApiErrorResponses } from '../../openapi/api-error-responses.decorator.js';
import { MarkReadDto } from './conversation-read.view.js';
import { ConversationCountsResponse } from './counts.view.js';
import { ReadStateService } from './read-state.service.js';

/** Read points and the inbox counts. Registered before ConversationsController, so `counts` is not taken for an id. */
@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('conversations')
export class ReadStateController {
  constructor(private readonly readState: ReadStateService) {}

  @Get('counts')
  @ApiOperation({ summary: 'Unread and waiting numbers of the visible, not resolved conversations' })
  @ApiOkResponse({ type: ConversationCountsResponse })
  countConversations(@CurrentUser() actor: AuthUser) {
    return this.readState.counts(actor);
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({ summary: "Move the caller's read point forward (emits conversation_read to the caller)" })
  @ApiNoContentResponse({ description: 'Read point stored' })
  @ApiErrorResponses(400, 404)
  async markConversationRead(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MarkReadDto): Promise<void> {
    await this.readState.markRead(actor, id, dto);
  }

  @Post(':id/unread')
  @HttpCode(204)
  @ApiOperation({ summary: "Move the caller's read point to just before the newest customer message" })
  @ApiNoContentResponse({ description: 'Read point stored' })
  @ApiErrorResponses(400, 404)
  async markConversationUnread(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.readState.markUnread(actor, id);
  }
}
