import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { OutboundQueueRepository } from './outbound/outbound-queue.repository.js';
import { OutboundSenderService } from './outbound/outbound-sender.service.js';
import { PlatformChannelsRepository } from './platform-channels.repository.js';
import { PLATFORM_ADAPTERS, PlatformRegistry, platformRegistryProvider } from './platform-registry.js';

/** The platform adapters (verify, parse, send) and the outbound sender. */
@Module({
  imports: [ChannelsModule],
  providers: [
    ...PLATFORM_ADAPTERS,
    platformRegistryProvider,
    PlatformChannelsRepository,
    OutboundQueueRepository,
    OutboundSenderService,
  ],
  exports: [PlatformRegistry, PlatformChannelsRepository, OutboundSenderService],
})
export class PlatformsModule {}
