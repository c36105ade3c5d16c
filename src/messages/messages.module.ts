import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MediaModule } from '../media/media.module.js';
import { CollisionGuard } from './collision-guard.js';
import { MessagePartsRepository } from './message-parts.repository.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { OutboundAttachments } from './outbound-attachments.js';

@Module({
  imports: [ConversationsModule, MediaModule],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessagePartsRepository, MessagesService, CollisionGuard, OutboundAttachments],
  exports: [MessagesRepository, MessagePartsRepository],
})
export class MessagesModule {}
