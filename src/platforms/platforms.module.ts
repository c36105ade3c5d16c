import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MediaModule } from '../media/media.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { OutboundSenderService } from './outbound/outbound-sender.service.js';
import { PLATFORM_ADAPTERS, PlatformRegistry, platformRegistryProvider } from './platform-registry.js';

/** The platform adapters (verify, parse, send) and the outbound sender. */
@Module({
  imports: [ChannelsModule, ConversationsModule, MessagesModule, MediaModule],
  providers: [...PLATFORM_ADAPTERS, platformRegistryProvider, OutboundSenderService],
  exports: [PlatformRegistry, OutboundSenderService],
})
export class PlatformsModule {}
