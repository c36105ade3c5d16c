import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../channels/entities/channel.entity.js';
import { PageResponse } from '../openapi/page-response.dto.js';
import type { CustomerEntity } from './entities/customer.entity.js';

export class CustomerIdentityResponse {
  @ApiProperty({ enum: PLATFORMS, enumName: 'Platform' })
  platform!: Platform;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ description: "The platform's id of the user (PSID, Zalo user id, TikTok user id)" })
  externalUserId!: string;
}

/** A customer as REST answers it and as `customer_created|updated` carry it. */
export class CustomerResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true })
  notes!: string | null;

  @ApiProperty({ type: String, nullable: true })
  avatarUrl!: string | null;

  @ApiProperty({ type: [CustomerIdentityResponse] })
  identities!: CustomerIdentityResponse[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CustomerPageResponse extends PageResponse(CustomerResponse) {}

/** The names the services and the domain-event map use. */
export type CustomerView = CustomerResponse;
export type CustomerIdentityView = CustomerIdentityResponse;

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
