import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { Platform } from '../../channels/entities/channel.entity.js';
import { CustomerEntity } from './customer.entity.js';

/** A platform user (PSID, Zalo user id, TikTok user) known on one channel, linked to a customer. */
@Entity('customer_identities')
export class CustomerIdentityEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'customer_id' })
  customerId!: string;

  @ManyToOne(() => CustomerEntity, (customer) => customer.identities, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<CustomerEntity>;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('uuid', { name: 'channel_id' })
  channelId!: string;

  @Column('text')
  platform!: Platform;

  @Column('text', { name: 'external_user_id' })
  externalUserId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
