import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type Platform = 'facebook' | 'zalo' | 'tiktok';
export const PLATFORMS: readonly Platform[] = ['facebook', 'zalo', 'tiktok'];

export type ChannelStatus = 'active' | 'needs_reconnect';
export const CHANNEL_STATUSES: readonly ChannelStatus[] = ['active', 'needs_reconnect'];

@Entity('channels')
export class ChannelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text')
  platform!: Platform;

  @Column('text', { name: 'external_id' })
  externalId!: string;

  @Column('text')
  name!: string;

  /** AES-256-GCM ciphertext of the platform credentials; never selected unless asked for. */
  @Column('text', { name: 'credentials_encrypted', select: false })
  credentialsEncrypted!: string;

  @Column('text', { default: 'active' })
  status!: ChannelStatus;

  /** Why the channel needs reconnecting, readable; never a secret. */
  @Column('text', { name: 'status_reason', nullable: true })
  statusReason!: string | null;

  @Column('timestamptz', { name: 'token_expires_at', nullable: true })
  tokenExpiresAt!: Date | null;

  /** The credentials hold what a token refresh needs (kept beside the ciphertext so it can be shown). */
  @Column('boolean', { name: 'can_refresh_token', default: false })
  canRefreshToken!: boolean;

  /** Facebook: replies 24 h – 7 d after the customer's message go out with the HUMAN_AGENT tag. */
  @Column('boolean', { name: 'human_agent_tag', default: false })
  humanAgentTag!: boolean;

  /** When the token refresher should next renew the access token (null: not scheduled). */
  @Column('timestamptz', { name: 'token_refresh_due_at', nullable: true, select: false })
  tokenRefreshDueAt!: Date | null;

  /** Refreshes in a row that hit a timeout or 5xx (the backoff grows with it). */
  @Column('integer', { name: 'token_refresh_failures', default: 0, select: false })
  tokenRefreshFailures!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
