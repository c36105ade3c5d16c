import {
  Body,
  Controller,
  Inject,
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
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { ChannelMembersResponse, ChannelPageResponse, ChannelResponse } from './channel.view.js';
import { ChannelsService } from './channels.service.js';
import { CreateChannelDto } from './dto/create-channel.dto.js';
import { SetChannelMembersDto } from './dto/set-channel-members.dto.js';
import { UpdateChannelDto } from './dto/update-channel.dto.js';
import { RequestOrigin } from './webhook-base-url.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where the answers' webhookUrl points: PUBLIC_URL when set, else the origin of this request. */
  private baseUrl(origin: string): string {
    return this.config.publicUrl ?? origin;
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 403, 409)
  createChannel(@CurrentUser() actor: AuthUser, @Body() dto: CreateChannelDto, @RequestOrigin() origin: string) {
    return this.channels.createChannel(actor, dto, this.baseUrl(origin));
  }

  @Get()
  @ApiOkResponse({ type: ChannelPageResponse, description: 'Admins: every channel; agents: their member channels' })
  @ApiErrorResponses(400)
  listChannels(@CurrentUser() actor: AuthUser, @Query() query: PaginationQueryDto, @RequestOrigin() origin: string) {
    return this.channels.listChannels(actor, query, this.baseUrl(origin));
  }

  @Get(':id')
  @ApiOkResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 404)
  getChannel(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @RequestOrigin() origin: string,
  ) {
    return this.channels.getChannel(actor, id, this.baseUrl(origin));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelResponse })
  @ApiErrorResponses(400, 403, 404)
  updateChannel(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateChannelDto,
    @RequestOrigin() origin: string,
  ) {
    return this.channels.updateChannel(actor, id, dto, this.baseUrl(origin));
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
