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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PaginationQueryDto } from '../common/pagination.js';
import { ChannelsService } from './channels.service.js';
import { CreateChannelDto } from './dto/create-channel.dto.js';
import { SetChannelMembersDto } from './dto/set-channel-members.dto.js';
import { UpdateChannelDto } from './dto/update-channel.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @Roles('admin')
  createChannel(@CurrentUser() actor: AuthUser, @Body() dto: CreateChannelDto) {
    return this.channels.createChannel(actor, dto);
  }

  @Get()
  listChannels(@CurrentUser() actor: AuthUser, @Query() query: PaginationQueryDto) {
    return this.channels.listChannels(actor, query);
  }

  @Get(':id')
  getChannel(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.channels.getChannel(actor, id);
  }

  @Patch(':id')
  @Roles('admin')
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
  async deleteChannel(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.channels.deleteChannel(actor, id);
  }

  @Get(':id/members')
  listChannelMembers(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.channels.listChannelMembers(actor, id);
  }

  @Put(':id/members')
  @Roles('admin')
  setChannelMembers(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetChannelMembersDto,
  ) {
    return this.channels.setChannelMembers(actor, id, dto);
  }
}
