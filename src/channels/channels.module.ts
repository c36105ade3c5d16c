import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { TokenRefreshScheduler } from './health/token-refresh.scheduler.js';
import { TokenRefreshService } from './health/token-refresh.service.js';
import { PlatformChannelsService } from './platform-channels.service.js';
import { WebhookChannelCache } from './webhook-channel-cache.js';

@Module({
  imports: [RealtimeModule],
  controllers: [ChannelsController],
  providers: [
    CredentialsCipher,
    ChannelsRepository,
    ChannelsService,
    PlatformChannelsService,
    TokenRefreshService,
    TokenRefreshScheduler,
    WebhookChannelCache,
  ],
  exports: [ChannelsRepository, PlatformChannelsService, TokenRefreshService, WebhookChannelCache],
})
export class ChannelsModule {}
