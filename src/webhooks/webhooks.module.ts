import { Module } from '@nestjs/common';
import { PlatformsModule } from '../platforms/platforms.module.js';
import { InboundIngestionService } from './inbound-ingestion.service.js';
import { InboundRepository } from './inbound.repository.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WebhooksController } from './webhooks.controller.js';

/** Signed platform webhooks in (and, through PlatformsModule, agent replies out). */
@Module({
  imports: [PlatformsModule],
  controllers: [WebhooksController],
  providers: [WebhookIntakeService, InboundIngestionService, InboundRepository],
})
export class WebhooksModule {}
