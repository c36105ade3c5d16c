import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { ChannelEntity } from '../channels/entities/channel.entity.js';
import { isAdminOnlyEventType } from '../common/domain-events.js';
import { NotFoundError } from '../common/errors/domain-errors.js';

/**
 * The one place that answers "what may this user see". Admins see every channel of their workspace; agents
 * see the channels they are members of, and only those channels' conversations, messages and events.
 * Customers are workspace-wide. REST queries, the catch-up API and the event stream all go through here.
 */
@Injectable()
export class AccessService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Restricts a query to rows the actor may see. `alias` must have `workspace_id` and, when channelColumn is
   * given, a channel id column (null channel = workspace-wide, e.g. customer events).
   */
  scope<T extends ObjectLiteral>(
    query: SelectQueryBuilder<T>,
    actor: AuthUser,
    alias: string,
    channelColumn: string | null = 'channel_id',
  ): SelectQueryBuilder<T> {
    query.andWhere(`${alias}.workspace_id = :accessWorkspaceId`, { accessWorkspaceId: actor.workspaceId });
    if (actor.role !== 'admin' && channelColumn) {
      query.andWhere(
        `(${alias}.${channelColumn} IS NULL OR ${alias}.${channelColumn} IN ` +
          `(SELECT member.channel_id FROM channel_members member WHERE member.user_id = :accessUserId))`,
        { accessUserId: actor.id },
      );
    }
    return query;
  }

  /** Channel ids of the workspace the actor may see (for admins: all of them). */
  async visibleChannelIds(actor: AuthUser, manager?: EntityManager): Promise<string[]> {
    const query = (manager ?? this.dataSource.manager)
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .select('channel.id', 'id')
      .where('channel.workspace_id = :workspaceId', { workspaceId: actor.workspaceId });
    if (actor.role !== 'admin') {
      query.andWhere('channel.id IN (SELECT member.channel_id FROM channel_members member WHERE member.user_id = :userId)', {
        userId: actor.id,
      });
    }
    return (await query.getRawMany<{ id: string }>()).map((row) => row.id);
  }

  /** 404 unless the actor may see this channel (another workspace's channel does not exist for them). */
  async assertChannelVisible(actor: AuthUser, channelId: string, manager?: EntityManager): Promise<void> {
    const visible = await this.visibleChannelIds(actor, manager);
    if (!visible.includes(channelId)) throw new NotFoundError('Channel not found');
  }
}

/** What a stream needs to decide visibility per event without a query: kept in memory, updated from the log. */
export interface StreamAccess {
  userId: string;
  workspaceId: string;
  isAdmin: boolean;
  channelIds: Set<string>;
}

/** The same rule as AccessService.scope, for an event in memory; admin-only types (user events) reach admins only. */
export function canSeeEvent(
  access: StreamAccess,
  event: { workspaceId: string; channelId: string | null; type?: string },
): boolean {
  if (event.workspaceId !== access.workspaceId) return false;
  if (access.isAdmin) return true;
  if (event.type !== undefined && isAdminOnlyEventType(event.type)) return false;
  if (event.channelId === null) return true;
  return access.channelIds.has(event.channelId);
}
