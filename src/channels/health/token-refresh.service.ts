import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Transaction, TransactionRunner } from '../../database/transaction-runner.js';
import { accessTokenOf } from '../channel-credentials.js';
import { toChannelView } from '../channel.view.js';
import { ChannelsRepository, type ChannelChanges } from '../channels.repository.js';
import { CredentialsCipher, type ChannelCredentials, type TiktokCredentials, type ZaloCredentials } from '../credentials-cipher.js';
import type { ChannelEntity } from '../entities/channel.entity.js';
import { channelScope } from './channel-scope.js';
import { refreshTiktokToken, refreshZaloToken, type RefreshOutcome } from './token-endpoints.js';
import { refreshDueAt, refreshRetryDelayMs } from './token-schedule.js';

/** Due channels refreshed per scheduler round at most (the next round takes the rest). */
const MAX_REFRESHES_PER_ROUND = 20;

/**
 * Renews access tokens with the rotating, single-use refresh tokens. Every refresh holds the channel's row lock
 * from before the call until the new pair is committed, so one channel is refreshed by one instance at a time,
 * and a due channel once: the next instance finds it no longer due, or its token already replaced.
 */
@Injectable()
export class TokenRefreshService {
  private readonly logger = new Logger(TokenRefreshService.name);

  constructor(
    private readonly channels: ChannelsRepository,
    private readonly cipher: CredentialsCipher,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Refreshes channels whose refresh is due, one transaction each; returns how many were attempted. */
  async refreshDueChannels(): Promise<number> {
    let attempted = 0;
    while (attempted < MAX_REFRESHES_PER_ROUND) {
      const refreshed = await this.transactions.run(async (tx) => {
        const due = await this.channels.lockDueForRefresh(tx.manager);
        if (!due) return false;
        const channel = await this.channels.getForTokenRefresh(due.workspaceId, due.id, tx.manager);
        if (channel) await this.refreshLocked(tx, channel, false);
        return true;
      });
      if (!refreshed) break;
      attempted++;
    }
    return attempted;
  }

  /**
   * A send was refused with the platform's invalid-token error for `rejectedToken`. Returns the credentials to
   * retry the send with (refreshed now, or already refreshed by someone else), or null when the channel needs
   * reconnecting (it is then marked so, with the reason).
   */
  async afterInvalidToken(
    workspaceId: string,
    channelId: string,
    rejectedToken: string,
    platformError: string,
  ): Promise<ChannelCredentials | null> {
    return this.transactions.run(async (tx) => {
      const channel = await this.channels.getForTokenRefresh(workspaceId, channelId, tx.manager);
      if (!channel) return null;
      const credentials = this.cipher.decrypt(channel.id, channel.credentialsEncrypted);
      if (accessTokenOf(credentials) !== rejectedToken) return channel.status === 'active' ? credentials : null;
      if (!channel.canRefreshToken) {
        await this.applyChanges(tx, channel, {
          status: 'needs_reconnect',
          statusReason: `${platformError}. Reconnect the channel with new credentials`,
        });
        return null;
      }
      const outcome = await this.refreshLocked(tx, channel, true);
      return outcome;
    });
  }

  /** The platform still refuses a freshly refreshed token (or a token that cannot be refreshed). */
  async markNeedsReconnect(workspaceId: string, channelId: string, reason: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const channel = await this.channels.getForTokenRefresh(workspaceId, channelId, tx.manager);
      if (channel) await this.applyChanges(tx, channel, { status: 'needs_reconnect', statusReason: reason });
    });
  }

  /** One refresh of a locked channel; returns the new credentials, or null when it did not succeed. */
  private async refreshLocked(
    tx: Transaction,
    channel: ChannelEntity,
    tokenRejected: boolean,
  ): Promise<ChannelCredentials | null> {
    const credentials = this.cipher.decrypt(channel.id, channel.credentialsEncrypted);
    const outcome = await this.callTokenEndpoint(channel, credentials);
    const now = new Date();
    switch (outcome.kind) {
      case 'refreshed': {
        const renewed = { ...credentials, accessToken: outcome.accessToken, refreshToken: outcome.refreshToken };
        const tokenExpiresAt =
          outcome.expiresInSeconds === null ? null : new Date(now.getTime() + outcome.expiresInSeconds * 1000);
        // Single-use refresh tokens: the rotated pair is stored in this same transaction.
        await this.applyChanges(tx, channel, {
          credentialsEncrypted: this.cipher.encrypt(channel.id, renewed),
          tokenExpiresAt,
          tokenRefreshDueAt: tokenExpiresAt ? refreshDueAt(tokenExpiresAt, now) : null,
          tokenRefreshFailures: 0,
          status: 'active',
          statusReason: null,
        });
        this.logger.log({ channelId: channel.id }, 'channel access token refreshed');
        return renewed;
      }
      case 'refused':
        this.logger.warn({ channelId: channel.id }, outcome.reason);
        await this.applyChanges(tx, channel, {
          status: 'needs_reconnect',
          statusReason: outcome.reason,
          tokenRefreshDueAt: null,
          tokenRefreshFailures: 0,
        });
        return null;
      case 'unavailable': {
        const failures = channel.tokenRefreshFailures + 1;
        const delay = refreshRetryDelayMs(failures);
        this.logger.warn({ channelId: channel.id, failures }, `${outcome.reason}; retrying in ${delay} ms`);
        // Still usable until the token has actually expired (or the platform said it is no longer valid).
        const expired = tokenRejected || (channel.tokenExpiresAt !== null && channel.tokenExpiresAt <= now);
        await this.applyChanges(tx, channel, {
          tokenRefreshFailures: failures,
          tokenRefreshDueAt: new Date(now.getTime() + delay),
          ...(expired
            ? {
                status: 'needs_reconnect' as const,
                statusReason: `The access token is no longer valid and it could not be refreshed yet (${outcome.reason}); retrying`,
              }
            : {}),
        });
        return null;
      }
    }
  }

  private callTokenEndpoint(channel: ChannelEntity, credentials: ChannelCredentials): Promise<RefreshOutcome> {
    switch (channel.platform) {
      case 'zalo':
        return refreshZaloToken(this.config, credentials as ZaloCredentials);
      case 'tiktok':
        return refreshTiktokToken(this.config, credentials as TiktokCredentials);
      case 'facebook':
        return Promise.resolve({ kind: 'refused', reason: 'Facebook page tokens are not refreshed here' });
    }
  }

  /** Writes the changes; a change of status, statusReason or tokenExpiresAt is announced as `channel_updated`. */
  private async applyChanges(tx: Transaction, channel: ChannelEntity, changes: ChannelChanges): Promise<void> {
    const updated = await this.channels.update(channel.workspaceId, channel.id, changes, tx.manager);
    const healthChanged =
      updated.status !== channel.status ||
      updated.statusReason !== channel.statusReason ||
      updated.tokenExpiresAt?.getTime() !== channel.tokenExpiresAt?.getTime();
    if (healthChanged) tx.emit('channel.updated', channelScope(channel.workspaceId, channel.id), toChannelView(updated, this.config.publicUrl ?? ''));
  }
}
