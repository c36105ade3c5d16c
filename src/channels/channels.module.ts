import { Module } from '@nestjs/common';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { TokenRefreshScheduler } from './health/token-refresh.scheduler.js';
import { TokenRefreshService } from './health/token-refresh.service.js';
import { PlatformChannelsService } from './platform-channels.service.js';

@Module({
  controllers: [ChannelsController],
  providers: [
    CredentialsCipher,
    ChannelsRepository,
    ChannelsService,
    PlatformChannelsService,
    TokenRefreshService,
    TokenRefreshScheduler,
  ],
  exports: [ChannelsRepository, PlatformChannelsService, TokenRefreshService],
})
export class ChannelsModule {}
