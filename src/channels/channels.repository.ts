import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import type { CredentialHealth } from './health/token-schedule.js';
import { ChannelMemberEntity } from './entities/channel-member.entity.js';
import { ChannelEntity, type Platform } from './entities/channel.entity.js';
import {
  storedPlatformChannelFromRow,
  type PlatformChannelRow,
  type StoredPlatformChannel,
} from './entities/platform-channel.js';

export interface NewChannel extends CredentialHealth {
  id: string;
  workspaceId: string;
  platform: Platform;
  externalId: string;
  name: string;
  credentialsEncrypted: string;
}

export type ChannelChanges = Partial<
  Pick<NewChannel, 'name' | 'credentialsEncrypted' | keyof CredentialHealth> & { humanAgentTag: boolean }
>;

/** Every query on channels and their members. Reads for a user go through AccessService. */
@Injectable()
export class ChannelsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts the channel, or returns null when (platform, externalId) is already installed anywhere. */
  async insertUnlessTaken(channel: NewChannel, manager: EntityManager): Promise<ChannelEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(ChannelEntity)
      .values(channel)
      .orIgnore()
      .returning(['id'])
      .execute();
    if ((result.raw as unknown[]).length === 0) return null;
    return manager
      .getRepository(ChannelEntity)
      .findOneByOrFail({ id: channel.id, workspaceId: channel.workspaceId });
  }

  /** The channel when the actor may see it (admin: any of the workspace; agent: a member channel). */
  getVisible(actor: AuthUser, id: string, manager?: EntityManager): Promise<ChannelEntity | null> {
    const query = this.manager(manager)
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .where('channel.id = :id', { id });
    return this.access.scope(query, actor, 'channel', 'id').getOne();
  }

  /** The workspace's channel, row-locked until the transaction ends (serialises member and credential changes). */
  getInWorkspaceForUpdate(
    workspaceId: string,
    id: string,
    manager: EntityManager,
  ): Promise<ChannelEntity | null> {
    return manager
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .where('channel.id = :id AND channel.workspace_id = :workspaceId', { id, workspaceId })
      .setLock('pessimistic_write')
      .getOne();
  }

  listVisible(actor: AuthUser, limit: number, cursor?: string): Promise<Page<ChannelEntity>> {
    const query = this.access.scope(
      this.dataSource.getRepository(ChannelEntity).createQueryBuilder('channel'),
      actor,
      'channel',
      'id',
    );
    return fetchNewestFirst(query, { alias: 'channel', timeColumn: 'created_at' }, limit, cursor);
  }

  async update(
    workspaceId: string,
    id: string,
    changes: ChannelChanges,
    manager: EntityManager,
  ): Promise<ChannelEntity> {
    await manager.getRepository(ChannelEntity).update({ id, workspaceId }, changes);
    return manager.getRepository(ChannelEntity).findOneByOrFail({ id, workspaceId });
  }

  /** Deletes the channel; its members, identities, conversations and messages go with it (ON DELETE CASCADE). */
  async delete(workspaceId: string, id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(ChannelEntity).delete({ id, workspaceId });
  }

  /** The channel's member user ids, oldest membership first (none when the channel is another workspace's). */
  async memberIds(workspaceId: string, channelId: string, manager?: EntityManager): Promise<string[]> {
    const members = await this.manager(manager)
      .getRepository(ChannelMemberEntity)
      .createQueryBuilder('member')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = member.channel_id')
      .where('member.channel_id = :channelId AND channel.workspace_id = :workspaceId', {
        channelId,
        workspaceId,
      })
      .orderBy('member.createdAt', 'ASC')
      .addOrderBy('member.userId', 'ASC')
      .getMany();
    return members.map((member) => member.userId);
  }

  /**
   * Makes `userIds` the member set, keeping the rows (and their created_at) of members who stay. Only users of
   * the workspace are inserted; returns how many of `userIds` are such users, so the caller can reject the rest.
   */
  async replaceMembers(
    workspaceId: string,
    channelId: string,
    userIds: string[],
    manager: EntityManager,
  ): Promise<number> {
    await manager.query(
      `DELETE FROM channel_members WHERE channel_id = $1 AND NOT (user_id = ANY($2::uuid[]))
          AND channel_id IN (SELECT id FROM channels WHERE id = $1 AND workspace_id = $3)`,
      [channelId, userIds, workspaceId],
    );
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT u.id FROM users u WHERE u.workspace_id = $1 AND u.id = ANY($2::uuid[]) FOR KEY SHARE`,
      [workspaceId, userIds],
    );
    await manager.query(
      `INSERT INTO channel_members (channel_id, user_id)
       SELECT ch.id, unnest($2::uuid[]) FROM channels ch WHERE ch.id = $1 AND ch.workspace_id = $3
       ON CONFLICT DO NOTHING`,
      [channelId, rows.map((row) => row.id), workspaceId],
    );
    return rows.length;
  }

  /** Which of `userIds` are agents of the workspace. */
  async agentIds(workspaceId: string, userIds: string[], manager: EntityManager): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM users WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND role = 'agent'`,
      [workspaceId, userIds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * For the webhooks: the channels a payload's page / OA / business ids name, with their encrypted credentials
   * (a column never selected elsewhere). Across workspaces: the payload's ids are what routes it to one.
   */
  async listByExternalIdsWithCredentials<P extends Platform>(
    platform: P,
    externalIds: string[],
  ): Promise<StoredPlatformChannel<P>[]> {
    if (externalIds.length === 0) return [];
    const rows: PlatformChannelRow[] = await this.dataSource.query(
      `SELECT id, workspace_id, platform, external_id, credentials_encrypted FROM channels WHERE platform = $1 AND external_id = ANY($2::text[])`,
      [platform, externalIds],
    );
    return rows.map((row) => storedPlatformChannelFromRow<P>(row));
  }

  /** For the webhooks: every channel of a platform with its encrypted credentials (e.g. to match a verify token). */
  async listByPlatformWithCredentials<P extends Platform>(platform: P): Promise<StoredPlatformChannel<P>[]> {
    const rows: PlatformChannelRow[] = await this.dataSource.query(
      `SELECT id, workspace_id, platform, external_id, credentials_encrypted FROM channels WHERE platform = $1`,
      [platform],
    );
    return rows.map((row) => storedPlatformChannelFromRow<P>(row));
  }

  /**
   * One channel whose token refresh is due, row-locked for the refresh (FOR NO KEY UPDATE: webhooks inserting
   * rows that reference the channel are not blocked). SKIP LOCKED: another instance refreshing it is left alone.
   */
  async lockDueForRefresh(manager: EntityManager): Promise<{ id: string; workspaceId: string } | null> {
    const rows = await manager.query<Array<{ id: string; workspace_id: string }>>(
      `SELECT id, workspace_id FROM channels
        WHERE can_refresh_token AND token_refresh_due_at <= now()
        ORDER BY token_refresh_due_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED`,
    );
    return rows[0] ? { id: rows[0].id, workspaceId: rows[0].workspace_id } : null;
  }

  /** The channel with its encrypted credentials and refresh bookkeeping, row-locked (waits for a running refresh). */
  getForTokenRefresh(
    workspaceId: string,
    id: string,
    manager: EntityManager,
  ): Promise<ChannelEntity | null> {
    return manager
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .addSelect(['channel.credentialsEncrypted', 'channel.tokenRefreshFailures'])
      .where('channel.id = :id AND channel.workspace_id = :workspaceId', { id, workspaceId })
      .setLock('for_no_key_update')
      .getOne();
  }
}
