import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type Platform = 'facebook' | 'zalo' | 'tiktok';
export const PLATFORMS: readonly Platform[] = ['facebook', 'zalo', 'tiktok'];

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
