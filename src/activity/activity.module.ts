import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';

/** Ephemeral agent activity on conversations (viewing, typing). */
@Module({
  imports: [ConversationsModule, RealtimeModule],
  controllers: [ActivityController],
  providers: [ActivityService],
})
export class ActivityModule {}
