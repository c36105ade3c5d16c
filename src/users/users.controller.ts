import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  createUser(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.createUser(actor, dto);
  }

  @Get()
  async listUsers(@CurrentUser() actor: AuthUser) {
    return { items: await this.users.listUsers(actor), nextCursor: null };
  }

  @Get(':id')
  getUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.getUser(actor, id);
  }

  @Patch(':id')
  updateUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.updateUser(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async deleteUser(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.deleteUser(actor, id);
  }
}
