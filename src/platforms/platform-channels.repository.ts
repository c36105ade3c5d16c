import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialsCipher, type CredentialsByPlatform } from '../channels/credentials-cipher.js';
import type { Platform } from '../channels/entities/channel.entity.js';

/** A channel as webhooks and the sender need it: routing ids and its decrypted credentials. */
export interface PlatformChannel<P extends Platform = Platform> {
  id: string;
  workspaceId: string;
  platform: P;
  externalId: string;
  credentials: CredentialsByPlatform[P];
}

interface ChannelRow {
  id: string;
  workspace_id: string;
  platform: Platform;
  external_id: string;
  credentials_encrypted: string;
}

/** Reads channels with their credentials (a column never selected elsewhere). */
@Injectable()
export class PlatformChannelsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialsCipher,
  ) {}

  async findByExternalIds<P extends Platform>(
    platform: P,
    externalIds: string[],
  ): Promise<PlatformChannel<P>[]> {
    if (externalIds.length === 0) return [];
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT id, workspace_id, platform, external_id, credentials_encrypted FROM channels WHERE platform = $1 AND external_id = ANY($2::text[])`,
      [platform, externalIds],
    );
    return rows.map((row) => this.toChannel<P>(row));
  }

  async findAllOfPlatform<P extends Platform>(platform: P): Promise<PlatformChannel<P>[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT id, workspace_id, platform, external_id, credentials_encrypted FROM channels WHERE platform = $1`,
      [platform],
    );
    return rows.map((row) => this.toChannel<P>(row));
  }

  decrypt<P extends Platform>(channelId: string, stored: string): CredentialsByPlatform[P] {
    return this.cipher.decrypt<P>(channelId, stored);
  }

  private toChannel<P extends Platform>(row: ChannelRow): PlatformChannel<P> {
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      platform: row.platform as P,
      externalId: row.external_id,
      credentials: this.cipher.decrypt<P>(row.id, row.credentials_encrypted),
    };
  }
}
