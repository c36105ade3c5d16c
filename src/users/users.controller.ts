import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { ApiErrorResponses } from '../openapi/api-error-responses.decorator.js';
import { UserPageResponse, UserResponse } from './user.view.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserResponse, description: 'A user of the caller\'s workspace' })
  @ApiErrorResponses(400, 409)
  createUser(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.createUser(actor, dto);
  }

  @Get()
  @ApiOkResponse({ type: UserPageResponse, description: 'Every user of the workspace, in one page' })
  async listUsers(@CurrentUser() actor: AuthUser) {
    return { items: await this.users.listUsers(actor), nextCursor: null };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses(400, 404)
  getUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.getUser(actor, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses(400, 404, 422)
  updateUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.updateUser(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses(400, 404, 422)
  async deleteUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.deleteUser(actor, id);
  }
}
