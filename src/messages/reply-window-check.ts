import { UnprocessableError } from '../common/errors/domain-errors.js';
import { conversationReplyWindow } from '../conversations/conversation.view.js';
import type { ConversationEntity } from '../conversations/entities/conversation.entity.js';

/** A reply the platform would refuse is refused here, before anything is stored: 422 with the window's reason. */
export function assertReplyWindowOpen(conversation: ConversationEntity): void {
  const window = conversationReplyWindow(conversation);
  if (window.state === 'closed')
    throw new UnprocessableError(window.reason ?? 'The reply window of this conversation is closed');
}
