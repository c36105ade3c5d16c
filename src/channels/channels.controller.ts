import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PaginationQueryDto } from '../common/pagination.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { ChannelMembersResponse, ChannelPageResponse, ChannelResponse } from './channel.view.js';
import { ChannelsService } from './channels.service.js';
import { CreateChannelDto } from './dto/create-channel.dto.js';
import { SetChannelMembersDto } from './dto/set-channel-members.dto.js';
import { UpdateChannelDto } from './dto/update-channel.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 403, 409)
  createChannel(@CurrentUser() actor: AuthUser, @Body() dto: CreateChannelDto) {
    return this.channels.createChannel(actor, dto);
  }

  @Get()
  @ApiOkResponse({ type: ChannelPageResponse, description: 'Admins: every channel; agents: their member channels' })
  @ApiErrorResponses(400)
  listChannels(@CurrentUser() actor: AuthUser, @Query() query: PaginationQueryDto) {
    return this.channels.listChannels(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 404)
  getChannel(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.channels.getChannel(actor, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 403, 404)
  updateChannel(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateChannelDto,
  ) {
    return this.channels.updateChannel(actor, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its conversations and messages' })
  @ApiErrorResponses(400, 403, 404)
  async deleteChannel(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.channels.deleteChannel(actor, id);
  }

  @Get(':id/members')
  @ApiOkResponse({ type: ChannelMembersResponse })
  @ApiErrorResponses(400, 404)
  listChannelMembers(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.channels.listChannelMembers(actor, id);
  }

  @Put(':id/members')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelMembersResponse })
  @ApiErrorResponses(400, 403, 404)
  setChannelMembers(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetChannelMembersDto,
  ) {
    return this.channels.setChannelMembers(actor, id, dto);
  }
}
