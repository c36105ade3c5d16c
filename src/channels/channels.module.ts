import { Module } from '@nestjs/common';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { PlatformChannelsService } from './platform-channels.service.js';

@Module({
  controllers: [ChannelsController],
  providers: [CredentialsCipher, ChannelsRepository, ChannelsService, PlatformChannelsService],
  exports: [ChannelsRepository, PlatformChannelsService],
})
export class ChannelsModule {}
