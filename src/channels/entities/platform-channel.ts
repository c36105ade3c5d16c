import type { CredentialsByPlatform } from '../credentials-cipher.js';
import type { Platform } from './channel.entity.js';

/** What inbound ingestion needs of a channel: where its rows go. */
export interface ChannelRef {
  id: string;
  workspaceId: string;
  platform: Platform;
}

/** A channel as stored for the platform adapters: routing ids and its still encrypted credentials. */
export interface StoredPlatformChannel<P extends Platform = Platform> extends ChannelRef {
  platform: P;
  externalId: string;
  credentialsEncrypted: string;
}

/** A channel as webhooks and the sender need it: routing ids and its decrypted credentials. */
export interface PlatformChannel<P extends Platform = Platform> extends ChannelRef {
  platform: P;
  externalId: string;
  credentials: CredentialsByPlatform[P];
}

/** A `channels` row with the columns the platform paths select. */
export interface PlatformChannelRow {
  id: string;
  workspace_id: string;
  platform: Platform;
  external_id: string;
  credentials_encrypted: string;
}

export function storedPlatformChannelFromRow<P extends Platform>(
  row: PlatformChannelRow,
): StoredPlatformChannel<P> {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    platform: row.platform as P,
    externalId: row.external_id,
    credentialsEncrypted: row.credentials_encrypted,
  };
}
