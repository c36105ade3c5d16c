import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import { ChannelMemberEntity } from './entities/channel-member.entity.js';
import { ChannelEntity, type Platform } from './entities/channel.entity.js';

export interface NewChannel {
  id: string;
  workspaceId: string;
  platform: Platform;
  externalId: string;
  name: string;
  credentialsEncrypted: string;
}

/** A channel with its encrypted credentials selected (for the platform adapters; never for a response). */
export type ChannelWithCredentials = ChannelEntity & { credentialsEncrypted: string };

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
    return manager.getRepository(ChannelEntity).findOneByOrFail({ id: channel.id });
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
    id: string,
    changes: Partial<Pick<NewChannel, 'name' | 'credentialsEncrypted'>>,
    manager: EntityManager,
  ): Promise<ChannelEntity> {
    await manager.getRepository(ChannelEntity).update({ id }, changes);
    return manager.getRepository(ChannelEntity).findOneByOrFail({ id });
  }

  /** Deletes the channel; its members, identities, conversations and messages go with it (ON DELETE CASCADE). */
  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(ChannelEntity).delete({ id });
  }

  async memberIds(channelId: string, manager?: EntityManager): Promise<string[]> {
    const members = await this.manager(manager)
      .getRepository(ChannelMemberEntity)
      .find({ where: { channelId }, order: { createdAt: 'ASC', userId: 'ASC' } });
    return members.map((member) => member.userId);
  }

  /**
   * Makes `userIds` the member set, keeping the rows (and their created_at) of members who stay. Only users of
   * the workspace are inserted; returns how many of `userIds` are such users, so the caller can reject the rest.
   */
  async replaceMembers(
    channelId: string,
    workspaceId: string,
    userIds: string[],
    manager: EntityManager,
  ): Promise<number> {
    await manager.query(
      'DELETE FROM channel_members WHERE channel_id = $1 AND NOT (user_id = ANY($2::uuid[]))',
      [channelId, userIds],
    );
    const rows = await manager.query<Array<{ id: string }>>(
      `SELECT u.id FROM users u WHERE u.workspace_id = $1 AND u.id = ANY($2::uuid[]) FOR KEY SHARE`,
      [workspaceId, userIds],
    );
    await manager.query(
      `INSERT INTO channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [channelId, rows.map((row) => row.id)],
    );
    return rows.length;
  }

  /** For the webhooks: the channel a payload's page / OA / business id names, with its encrypted credentials. */
  getByExternalIdWithCredentials(
    platform: Platform,
    externalId: string,
    manager?: EntityManager,
  ): Promise<ChannelWithCredentials | null> {
    return this.manager(manager)
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .addSelect('channel.credentialsEncrypted')
      .where('channel.platform = :platform AND channel.external_id = :externalId', { platform, externalId })
      .getOne();
  }

  /** For the webhooks: every channel of a platform with its encrypted credentials (e.g. to match a verify token). */
  listByPlatformWithCredentials(
    platform: Platform,
    manager?: EntityManager,
  ): Promise<ChannelWithCredentials[]> {
    return this.manager(manager)
      .getRepository(ChannelEntity)
      .createQueryBuilder('channel')
      .addSelect('channel.credentialsEncrypted')
      .where('channel.platform = :platform', { platform })
      .getMany();
  }
}
