import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { PlatformsModule } from '../platforms/platforms.module.js';
import { InboundIngestionService } from './inbound-ingestion.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WebhooksController } from './webhooks.controller.js';

/** Signed platform webhooks in (and, through PlatformsModule, agent replies out). */
@Module({
  imports: [PlatformsModule, ChannelsModule, CustomersModule, ConversationsModule, MessagesModule],
  controllers: [WebhooksController],
  providers: [WebhookIntakeService, InboundIngestionService],
})
export class WebhooksModule {}
