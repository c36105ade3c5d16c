import type { Platform } from '../channels/entities/channel.entity.js';
import type { CustomerEntity } from './entities/customer.entity.js';

export interface CustomerIdentityView {
  platform: Platform;
  channelId: string;
  externalUserId: string;
}

/** A customer as REST answers it and as `customer_created|updated` carry it. */
export interface CustomerView {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatarUrl: string | null;
  identities: CustomerIdentityView[];
  createdAt: string;
  updatedAt: string;
}

export function toCustomerView(customer: CustomerEntity): CustomerView {
  return {
    id: customer.id,
    name: customer.name,
    phone: customer.phone,
    email: customer.email,
    notes: customer.notes,
    avatarUrl: customer.avatarUrl,
    identities: (customer.identities ?? []).map((identity) => ({
      platform: identity.platform,
      channelId: identity.channelId,
      externalUserId: identity.externalUserId,
    })),
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}
