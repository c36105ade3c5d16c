import { UnprocessableError } from '../common/errors/domain-errors.js';
import { conversationReplyWindow } from '../conversations/conversation.view.js';
import type { ConversationEntity } from '../conversations/entities/conversation.entity.js';

const messages = (count: number) => `${count} ${count === 1 ? 'message' : 'messages'}`;

/**
 * A reply the platform would refuse is refused here, before anything is stored: 422 with the window's reason.
 * `platformMessages`: what the reply goes out as (its text and each attachment are one platform message each),
 * all of which count against TikTok's cap.
 */
export function assertReplyWindowOpen(conversation: ConversationEntity, platformMessages: number): void {
  const window = conversationReplyWindow(conversation);
  if (window.state === 'closed')
    throw new UnprocessableError(window.reason ?? 'The reply window of this conversation is closed');
  if (window.remaining !== null && platformMessages > window.remaining)
    throw new UnprocessableError(
      `This reply goes out as ${messages(platformMessages)} (its text and each attachment), but TikTok allows only ` +
        `${messages(window.remaining)} more until the customer writes again`,
    );
}
