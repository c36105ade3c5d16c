import { Injectable } from '@nestjs/common';
import { ChannelsRepository } from './channels.repository.js';
import { CredentialsCipher } from './credentials-cipher.js';
import type { Platform } from './entities/channel.entity.js';
import type { PlatformChannel, StoredPlatformChannel } from './entities/platform-channel.js';

/**
 * Channels for the platform paths (webhook verification, outbound sends), with their credentials decrypted:
 * the only place, besides writing them, where credentials leave their ciphertext.
 */
@Injectable()
export class PlatformChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly cipher: CredentialsCipher,
  ) {}

  /** The channels a webhook payload names by page / OA / business id, in any workspace (none is known yet). */
  async findByExternalIds<P extends Platform>(
    platform: P,
    externalIds: string[],
  ): Promise<PlatformChannel<P>[]> {
    const stored = await this.channels.listByExternalIdsWithCredentials<P>(platform, externalIds);
    return stored.map((channel) => this.withCredentials(channel));
  }

  /** Every channel of a platform (e.g. to match a verify token). */
  async findAllOfPlatform<P extends Platform>(platform: P): Promise<PlatformChannel<P>[]> {
    const stored = await this.channels.listByPlatformWithCredentials<P>(platform);
    return stored.map((channel) => this.withCredentials(channel));
  }

  /** Decrypts a stored channel's credentials; throws when they cannot be read (wrong key, tampered). */
  withCredentials<P extends Platform>(channel: StoredPlatformChannel<P>): PlatformChannel<P> {
    const { credentialsEncrypted, ...ids } = channel;
    return { ...ids, credentials: this.cipher.decrypt<P>(channel.id, credentialsEncrypted) };
  }
}
