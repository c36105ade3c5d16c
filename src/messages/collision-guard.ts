import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, ValidationError } from '../common/errors/domain-errors.js';
import { queryRows } from '../database/postgres-errors.js';
import { messageFromRow, type MessageRow } from './entities/message.row.js';
import { toMessageView } from './message.view.js';

/** Who is replying where, and the newest message they had on screen. */
export interface GuardedReply {
  workspaceId: string;
  conversationId: string;
  senderUserId: string;
  afterMessageId: string;
}

/**
 * The collision guard of a reply: 409 with the messages the agent has not seen when the customer or anyone else
 * wrote after `afterMessageId`. Called with the conversation row locked (every insert into a conversation takes
 * that lock first), so no message can be stored between this check and the reply.
 */
@Injectable()
export class CollisionGuard {
  async assertNothingNewer(reply: GuardedReply, manager: EntityManager): Promise<void> {
    const [anchor] = await queryRows<{ stored_order: string }>(
      manager,
      'SELECT stored_order FROM messages WHERE id = $1 AND conversation_id = $2 AND workspace_id = $3',
      [reply.afterMessageId, reply.conversationId, reply.workspaceId],
    );
    if (!anchor) throw new ValidationError(['afterMessageId must be a message of this conversation']);
    const newer = await queryRows<MessageRow>(
      manager,
      `SELECT * FROM messages
        WHERE conversation_id = $1 AND workspace_id = $2 AND stored_order > $3
          AND (sender = 'customer' OR sender_user_id IS DISTINCT FROM $4)
        ORDER BY stored_order`,
      [reply.conversationId, reply.workspaceId, anchor.stored_order, reply.senderUserId],
    );
    if (newer.length > 0) {
      throw new ConflictError('New messages arrived since afterMessageId; nothing was sent', {
        newMessages: newer.map((row) => toMessageView(messageFromRow(row))),
      });
    }
  }
}
