import { Module } from '@nestjs/common';
import { RefreshTokensRepository } from '../auth/sessions/refresh-tokens.repository.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, RefreshTokensRepository],
  exports: [UsersRepository, UsersService, RefreshTokensRepository],
})
export class UsersModule {}
