import { Module } from '@nestjs/common';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { CredentialsCipher } from './credentials-cipher.js';

@Module({
  controllers: [ChannelsController],
  providers: [CredentialsCipher, ChannelsRepository, ChannelsService],
  exports: [CredentialsCipher, ChannelsRepository],
})
export class ChannelsModule {}
