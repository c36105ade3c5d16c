import type { Platform } from '../../channels/entities/channel.entity.js';
import type { CustomerIdentityEntity } from './customer-identity.entity.js';
import type { CustomerEntity } from './customer.entity.js';

/** A `customers` row as raw SQL (`RETURNING *`) gives it. */
export interface CustomerRow {
  id: string;
  workspace_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatar_url: string | null;
  /** Absent when a join did not select it. */
  agent_set_fields?: string[];
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** A `customer_identities` row as raw SQL gives it. */
export interface IdentityRow {
  id: string;
  customer_id: string;
  workspace_id: string;
  channel_id: string;
  platform: Platform;
  external_user_id: string;
  created_at: Date;
}

export function identityFromRow(row: IdentityRow): CustomerIdentityEntity {
  return {
    id: row.id,
    customerId: row.customer_id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    platform: row.platform,
    externalUserId: row.external_user_id,
    createdAt: row.created_at,
  };
}

/** Without `identities` the customer's identities are left unloaded (as a relation that was not joined). */
export function customerFromRow(row: CustomerRow, identities?: IdentityRow[]): CustomerEntity {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    notes: row.notes,
    avatarUrl: row.avatar_url,
    agentSetFields: row.agent_set_fields ?? [],
    identities: identities?.map(identityFromRow),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}
