import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('channel_members')
export class ChannelMemberEntity {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId!: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
