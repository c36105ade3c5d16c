import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user.js';
import { workspaceScope } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { pageSize, type Page, type PaginationQueryDto } from '../common/pagination.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { credentialProblems, toPlatformCredentials } from './channel-credentials.js';
import { toChannelView, type ChannelMembersView, type ChannelView } from './channel.view.js';
import { ChannelsRepository, type ChannelChanges } from './channels.repository.js';
import { channelScope } from './health/channel-scope.js';
import { healthForNewCredentials } from './health/token-schedule.js';
import { CredentialsCipher } from './credentials-cipher.js';
import { WebhookChannelCache } from './webhook-channel-cache.js';
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
    private readonly webhookChannels: WebhookChannelCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Events are not per request: their webhookUrl is under PUBLIC_URL, or the bare path when it is unset. */
  private get eventBaseUrl(): string {
    return this.config.publicUrl ?? '';
  }

  /** `baseUrl` (here and below): where the answer's webhookUrl points (PUBLIC_URL or the request's origin). */
  async createChannel(actor: AuthUser, dto: CreateChannelDto, baseUrl: string): Promise<ChannelView> {
    // The id is chosen here because it is the associated data of the credentials' encryption.
    const id = randomUUID();
    const credentials = toPlatformCredentials(dto.platform, dto.credentials);
    const channel = await this.transactions.run(async (tx) => {
      const inserted = await this.channels.insertUnlessTaken(
        {
          id,
          workspaceId: actor.workspaceId,
          platform: dto.platform,
          externalId: dto.externalId.trim(),
          name: dto.name.trim(),
          credentialsEncrypted: this.cipher.encrypt(id, credentials),
          ...healthForNewCredentials(dto.platform, dto.credentials, new Date()),
        },
        tx.manager,
      );
      if (inserted) tx.emit('channel.created', channelScope(actor.workspaceId, id), toChannelView(inserted, this.eventBaseUrl));
      return inserted;
    });
    if (!channel)
      throw new ConflictError(`A ${dto.platform} channel with this externalId is already installed`);
    return toChannelView(channel, baseUrl);
  }

  async listChannels(actor: AuthUser, query: PaginationQueryDto, baseUrl: string): Promise<Page<ChannelView>> {
    const page = await this.channels.listVisible(actor, pageSize(query), query.cursor);
    return { items: page.items.map((channel) => toChannelView(channel, baseUrl)), nextCursor: page.nextCursor };
  }

  async getChannel(actor: AuthUser, id: string, baseUrl: string): Promise<ChannelView> {
    const channel = await this.channels.getVisible(actor, id);
    if (!channel) throw new NotFoundError('Channel not found');
    return toChannelView(channel, baseUrl);
  }

  /**
   * Renames, sets the human-agent tag, or replaces the credentials as a whole: new credentials make the channel
   * active again (its waiting replies then go out, in order). Emits `channel_updated`.
   */
  async updateChannel(actor: AuthUser, id: string, dto: UpdateChannelDto, baseUrl: string): Promise<ChannelView> {
    const view = await this.transactions.run(async (tx) => {
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
      if (Object.keys(changes).length === 0) return toChannelView(channel, baseUrl);
      const updated = await this.channels.update(actor.workspaceId, id, changes, tx.manager);
      tx.emit('channel.updated', channelScope(actor.workspaceId, id), toChannelView(updated, this.eventBaseUrl));
      return toChannelView(updated, baseUrl);
    });
    // Here at once, before the answer: a replaced secret must not verify another delivery on this instance
    // (other instances drop the entry when the relay brings them `channel_updated`).
    this.webhookChannels.invalidate(id);
    return view;
  }

  /**
   * Deletes the channel with its conversations and messages. `channel_deleted` goes to its members and the
   * admins before the streams lose the channel (access.changed).
   */
  async deleteChannel(actor: AuthUser, id: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const channel = await this.channels.getInWorkspaceForUpdate(actor.workspaceId, id, tx.manager);
      if (!channel) throw new NotFoundError('Channel not found');
      await this.channels.delete(actor.workspaceId, id, tx.manager);
      tx.emit('channel.deleted', channelScope(actor.workspaceId, id), { id });
      tx.emit('access.changed', workspaceScope(actor.workspaceId), { kind: 'channel_deleted', channelId: id });
    });
    this.webhookChannels.invalidate(id);
  }

  async listChannelMembers(actor: AuthUser, id: string): Promise<ChannelMembersView> {
    const channel = await this.channels.getVisible(actor, id);
    if (!channel) throw new NotFoundError('Channel not found');
    return { channelId: id, userIds: await this.channels.memberIds(actor.workspaceId, id) };
  }

  /**
   * Sets the member set. Every id must be a user of this workspace, otherwise 400 and nothing changes. After the
   * access change, `channel_members_changed` goes to the admins and the members; each agent added gets the
   * channel as `channel_created` and each agent removed `channel_deleted`, on their own streams only.
   */
  async setChannelMembers(
    actor: AuthUser,
    id: string,
    dto: SetChannelMembersDto,
  ): Promise<ChannelMembersView> {
    const userIds = [...new Set(dto.userIds.map((userId) => userId.toLowerCase()))];
    return this.transactions.run(async (tx) => {
      const channel = await this.channels.getInWorkspaceForUpdate(actor.workspaceId, id, tx.manager);
      if (!channel) throw new NotFoundError('Channel not found');
      const before = await this.channels.memberIds(actor.workspaceId, id, tx.manager);
      const known = await this.channels.replaceMembers(actor.workspaceId, id, userIds, tx.manager);
      if (known !== userIds.length)
        throw new ValidationError(['userIds must all be users of this workspace']);
      const memberIds = await this.channels.memberIds(actor.workspaceId, id, tx.manager);
      tx.emit('access.changed', workspaceScope(actor.workspaceId), {
        kind: 'channel_members',
        channelId: id,
        userIds: memberIds,
      });
      const scope = channelScope(actor.workspaceId, id);
      tx.emit('channel.members_changed', scope, { channelId: id, userIds: memberIds });
      const added = memberIds.filter((userId) => !before.includes(userId));
      const removed = before.filter((userId) => !memberIds.includes(userId));
      // Admins see every channel anyway: only agents' lists gain or lose it.
      const agents = new Set(await this.channels.agentIds(actor.workspaceId, [...added, ...removed], tx.manager));
      const view = toChannelView(channel, this.eventBaseUrl);
      for (const userId of added) if (agents.has(userId)) tx.emit('channel.created', { ...scope, userId }, view);
      for (const userId of removed) {
        // Not the channel's scope: the agent may no longer see it.
        if (agents.has(userId)) tx.emit('channel.deleted', { ...workspaceScope(actor.workspaceId), userId }, { id });
      }
      return { channelId: id, userIds: memberIds };
    });
  }
}

/** Access changes are internal events of the workspace; the channel is named in the data. */
