import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import type { Platform } from '../channels/entities/channel.entity.js';
import { CustomerIdentityEntity } from './entities/customer-identity.entity.js';
import { CustomerEntity } from './entities/customer.entity.js';

export interface CustomerFields {
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatarUrl: string | null;
}

export interface NewIdentity {
  workspaceId: string;
  customerId: string;
  channelId: string;
  platform: Platform;
  externalUserId: string;
}

/** `%`, `_` and `\` match themselves in a search term. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Every query on customers and their identities. Lookups are scoped by workspace and never return a deleted
 * customer (customers are soft-deleted).
 */
@Injectable()
export class CustomersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(
    workspaceId: string,
    fields: Partial<CustomerFields>,
    manager: EntityManager,
  ): Promise<CustomerEntity> {
    const repository = manager.getRepository(CustomerEntity);
    const saved = await repository.save(repository.create({ workspaceId, ...fields }));
    return this.getWithIdentitiesOrFail(saved.id, manager);
  }

  async addIdentity(identity: NewIdentity, manager: EntityManager): Promise<void> {
    await manager.getRepository(CustomerIdentityEntity).insert(identity);
  }

  /** The live customer with its identities, or null (unknown, deleted, or another workspace's). */
  getWithIdentities(
    workspaceId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<CustomerEntity | null> {
    return this.manager(manager)
      .getRepository(CustomerEntity)
      .findOne({
        where: { id, workspaceId, deletedAt: IsNull() },
        relations: { identities: true },
        order: { identities: { createdAt: 'ASC' } },
      });
  }

  /** The live customer, row-locked until the transaction ends (without identities). */
  getForUpdate(workspaceId: string, id: string, manager: EntityManager): Promise<CustomerEntity | null> {
    return manager
      .getRepository(CustomerEntity)
      .createQueryBuilder('customer')
      .where('customer.id = :id AND customer.workspace_id = :workspaceId AND customer.deleted_at IS NULL', {
        id,
        workspaceId,
      })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The customer a platform user is on this channel (webhooks), or null. */
  async getByIdentity(
    channelId: string,
    externalUserId: string,
    manager?: EntityManager,
  ): Promise<CustomerEntity | null> {
    const identity = await this.manager(manager)
      .getRepository(CustomerIdentityEntity)
      .findOneBy({ channelId, externalUserId });
    return identity ? this.getWithIdentitiesOrFail(identity.customerId, this.manager(manager)) : null;
  }

  /** Newest first; `search` matches name, phone or email as a case-insensitive substring. */
  async list(
    workspaceId: string,
    search: string | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<CustomerEntity>> {
    const query = this.dataSource
      .getRepository(CustomerEntity)
      .createQueryBuilder('customer')
      .where('customer.workspace_id = :workspaceId AND customer.deleted_at IS NULL', { workspaceId });
    if (search) {
      query.andWhere(
        '(customer.name ILIKE :pattern OR customer.phone ILIKE :pattern OR customer.email ILIKE :pattern)',
        {
          pattern: likePattern(search),
        },
      );
    }
    const page = await fetchNewestFirst(
      query,
      { alias: 'customer', timeColumn: 'created_at' },
      limit,
      cursor,
    );
    await this.attachIdentities(page.items);
    return page;
  }

  async update(
    id: string,
    changes: Partial<CustomerFields>,
    manager: EntityManager,
  ): Promise<CustomerEntity> {
    await manager.getRepository(CustomerEntity).update({ id }, changes);
    return this.getWithIdentitiesOrFail(id, manager);
  }

  /** Marks the customer deleted and forgets its platform identities (a new message makes a new customer). */
  async softDelete(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(CustomerIdentityEntity).delete({ customerId: id });
    await manager.getRepository(CustomerEntity).update({ id }, { deletedAt: () => 'now()' });
  }

  private getWithIdentitiesOrFail(id: string, manager: EntityManager): Promise<CustomerEntity> {
    return manager
      .getRepository(CustomerEntity)
      .findOneOrFail({
        where: { id },
        relations: { identities: true },
        order: { identities: { createdAt: 'ASC' } },
      });
  }

  /** One query for the identities of a whole page (the page query itself must stay one row per customer). */
  private async attachIdentities(customers: CustomerEntity[]): Promise<void> {
    if (customers.length === 0) return;
    const identities = await this.dataSource.getRepository(CustomerIdentityEntity).find({
      where: { customerId: In(customers.map((customer) => customer.id)) },
      order: { createdAt: 'ASC' },
    });
    for (const customer of customers)
      customer.identities = identities.filter((identity) => identity.customerId === customer.id);
  }
}
