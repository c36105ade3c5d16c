import { Module } from '@nestjs/common';
import { ConversationsController } from './conversations.controller.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';
import { ReadStateController } from './read-state/read-state.controller.js';
import { ReadStateRepository } from './read-state/read-state.repository.js';
import { ReadStateService } from './read-state/read-state.service.js';

@Module({
  // ReadStateController first: its `counts` route must win over `:id`.
  controllers: [ReadStateController, ConversationsController],
  providers: [ConversationsRepository, ConversationsService, ReadStateRepository, ReadStateService],
  exports: [ConversationsRepository, ReadStateService],
})
export class ConversationsModule {}
