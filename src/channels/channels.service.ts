import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user.js';
import type { EventScope } from '../common/domain-events.js';
import { pageSize, type Page, type PaginationQueryDto } from '../common/pagination.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { credentialProblems, toPlatformCredentials } from './channel-credentials.js';
import { toChannelView, type ChannelMembersView, type ChannelView } from './channel.view.js';
import { ChannelsRepository, type ChannelChanges } from './channels.repository.js';
import { channelScope } from './health/channel-scope.js';
import { healthForNewCredentials } from './health/token-schedule.js';
import { CredentialsCipher } from './credentials-cipher.js';
import type { CreateChannelDto } from './dto/create-channel.dto.js';
import type { SetChannelMembersDto } from './dto/set-channel-members.dto.js';
import type { UpdateChannelDto } from './dto/update-channel.dto.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors/domain-errors.js';

@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly cipher: CredentialsCipher,
    private readonly transactions: TransactionRunner,
  ) {}

  async createChannel(actor: AuthUser, dto: CreateChannelDto): Promise<ChannelView> {
    // The id is chosen here because it is the associated data of the credentials' encryption.
    const id = randomUUID();
    const credentials = toPlatformCredentials(dto.platform, dto.credentials);
    const channel = await this.transactions.run(({ manager }) =>
      this.channels.insertUnlessTaken(
        {
          id,
          workspaceId: actor.workspaceId,
          platform: dto.platform,
          externalId: dto.externalId.trim(),
          name: dto.name.trim(),
          credentialsEncrypted: this.cipher.encrypt(id, credentials),
          ...healthForNewCredentials(dto.platform, dto.credentials, new Date()),
        },
        manager,
      ),
    );
    if (!channel)
      throw new ConflictError(`A ${dto.platform} channel with this externalId is already installed`);
    return toChannelView(channel);
  }

  async listChannels(actor: AuthUser, query: PaginationQueryDto): Promise<Page<ChannelView>> {
    const page = await this.channels.listVisible(actor, pageSize(query), query.cursor);
    return { items: page.items.map(toChannelView), nextCursor: page.nextCursor };
  }

  async getChannel(actor: AuthUser, id: string): Promise<ChannelView> {
    const channel = await this.channels.getVisible(actor, id);
    if (!channel) throw new NotFoundError('Channel not found');
    return toChannelView(channel);
  }

  /**
   * Renames, sets the human-agent tag, or replaces the credentials as a whole: new credentials make the channel
   * active again (its waiting replies then go out, in order). Emits `channel_updated`.
   */
  async updateChannel(actor: AuthUser, id: string, dto: UpdateChannelDto): Promise<ChannelView> {
    return this.transactions.run(async (tx) => {
      const channel = await this.channels.getInWorkspaceForUpdate(actor.workspaceId, id, tx.manager);
      if (!channel) throw new NotFoundError('Channel not found');
      const changes: ChannelChanges = {};
      if (dto.credentials !== undefined) {
        const problems = credentialProblems(channel.platform, dto.credentials);
        if (problems.length > 0) throw new ValidationError(problems);
        changes.credentialsEncrypted = this.cipher.encrypt(
          channel.id,
          toPlatformCredentials(channel.platform, dto.credentials),
        );
        Object.assign(changes, healthForNewCredentials(channel.platform, dto.credentials, new Date()));
      }
      if (dto.name !== undefined) changes.name = dto.name.trim();
      if (dto.humanAgentTag !== undefined) changes.humanAgentTag = dto.humanAgentTag;
      if (Object.keys(changes).length === 0) return toChannelView(channel);
      const updated = toChannelView(await this.channels.update(actor.workspaceId, id, changes, tx.manager));
      tx.emit('channel.updated', channelScope(actor.workspaceId, id), updated);
      return updated;
    });
  }

  /** Deletes the channel with its conversations and messages; open streams lose it at once (access.changed). */
  async deleteChannel(actor: AuthUser, id: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const channel = await this.channels.getInWorkspaceForUpdate(actor.workspaceId, id, tx.manager);
      if (!channel) throw new NotFoundError('Channel not found');
      await this.channels.delete(actor.workspaceId, id, tx.manager);
      tx.emit('access.changed', workspaceScope(actor), { kind: 'channel_deleted', channelId: id });
    });
  }

  async listChannelMembers(actor: AuthUser, id: string): Promise<ChannelMembersView> {
    const channel = await this.channels.getVisible(actor, id);
    if (!channel) throw new NotFoundError('Channel not found');
    return { channelId: id, userIds: await this.channels.memberIds(actor.workspaceId, id) };
  }

  /** Sets the member set. Every id must be a user of this workspace, otherwise 400 and nothing changes. */
  async setChannelMembers(
    actor: AuthUser,
    id: string,
    dto: SetChannelMembersDto,
  ): Promise<ChannelMembersView> {
    const userIds = [...new Set(dto.userIds.map((userId) => userId.toLowerCase()))];
    return this.transactions.run(async (tx) => {
      const channel = await this.channels.getInWorkspaceForUpdate(actor.workspaceId, id, tx.manager);
      if (!channel) throw new NotFoundError('Channel not found');
      const known = await this.channels.replaceMembers(actor.workspaceId, id, userIds, tx.manager);
      if (known !== userIds.length)
        throw new ValidationError(['userIds must all be users of this workspace']);
      const memberIds = await this.channels.memberIds(actor.workspaceId, id, tx.manager);
      tx.emit('access.changed', workspaceScope(actor), {
        kind: 'channel_members',
        channelId: id,
        userIds: memberIds,
      });
      return { channelId: id, userIds: memberIds };
    });
  }
}

/** Access changes are internal events of the workspace; the channel is named in the data. */
function workspaceScope(actor: AuthUser): EventScope {
  return { workspaceId: actor.workspaceId, channelId: null, conversationId: null };
}
