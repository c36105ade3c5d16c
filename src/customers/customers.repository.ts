import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { fetchNewestFirst } from '../common/pagination-query.js';
import type { Page } from '../common/pagination.js';
import type { ChannelRef } from '../channels/entities/platform-channel.js';
import { queryRows } from '../database/postgres-errors.js';
import { CustomerIdentityEntity } from './entities/customer-identity.entity.js';
import { CustomerEntity } from './entities/customer.entity.js';
import { customerFromRow, type CustomerRow, type IdentityRow } from './entities/customer.row.js';

export interface CustomerFields {
  name: string | null;
  phone: string | null;
  email: string | null;
  notes: string | null;
  avatarUrl: string | null;
}

/** A change of a customer: its fields, and (agent edits) which fields an agent has set, all of them. */
export type CustomerChanges = Partial<CustomerFields> & { agentSetFields?: string[] };

/** `%`, `_` and `\` match themselves in a search term. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Every query on customers and their identities. Lookups are scoped by workspace and never return a deleted
 * customer (customers are soft-deleted).
 */
/** The identity a new customer was created with, beside its row; null when another transaction had taken it. */
interface TakenIdentityColumns {
  identity_id: string | null;
  identity_platform: IdentityRow['platform'] | null;
  identity_created_at: Date | null;
}

/** A new customer's row with the identity it was created with (identity_id not null). */
function customerWithIdentity(
  row: CustomerRow & TakenIdentityColumns,
  channel: ChannelRef,
  externalUserId: string,
): CustomerEntity {
  const {
    identity_id: identityId,
    identity_platform: platform,
    identity_created_at: identityCreatedAt,
    ...customer
  } = row;
  const identity: IdentityRow = {
    id: identityId ?? '',
    customer_id: customer.id,
    workspace_id: channel.workspaceId,
    channel_id: channel.id,
    platform: platform ?? channel.platform,
    external_user_id: externalUserId,
    created_at: identityCreatedAt ?? customer.created_at,
  };
  return customerFromRow(customer, [identity]);
}

@Injectable()
export class CustomersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(
    workspaceId: string,
    fields: CustomerChanges,
    manager: EntityManager,
  ): Promise<CustomerEntity> {
    const repository = manager.getRepository(CustomerEntity);
    const saved = await repository.save(repository.create({ workspaceId, ...fields }));
    return this.getWithIdentitiesOrFail(workspaceId, saved.id, manager);
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

  /** The customer a platform user is on this channel (webhooks), without its identities, or null. */
  async findByIdentity(
    manager: EntityManager,
    channel: ChannelRef,
    externalUserId: string,
  ): Promise<CustomerEntity | null> {
    const rows: CustomerRow[] = await queryRows(
      manager,
      `SELECT c.* FROM customer_identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.channel_id = $1 AND i.external_user_id = $2 AND i.workspace_id = $3`,
      [channel.id, externalUserId, channel.workspaceId],
    );
    return rows[0] ? customerFromRow(rows[0]) : null;
  }

  /**
   * findByIdentity for many (channel, external user id) pairs in one query: the customers found, each with
   * the pair it was found by. Pairs without a customer are absent from the answer.
   */
  async findByIdentities(
    manager: EntityManager,
    wanted: ReadonlyArray<{ channel: ChannelRef; externalUserId: string }>,
  ): Promise<Array<{ channelId: string; externalUserId: string; customer: CustomerEntity }>> {
    if (wanted.length === 0) return [];
    const rows: Array<CustomerRow & { found_channel_id: string; found_external_user_id: string }> =
      await queryRows(
        manager,
        `SELECT i.channel_id AS found_channel_id, i.external_user_id AS found_external_user_id, c.*
         FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS wanted (channel_id, external_user_id, workspace_id)
         JOIN customer_identities i ON i.channel_id = wanted.channel_id
                                   AND i.external_user_id = wanted.external_user_id
                                   AND i.workspace_id = wanted.workspace_id
         JOIN customers c ON c.id = i.customer_id`,
        [
          wanted.map((pair) => pair.channel.id),
          wanted.map((pair) => pair.externalUserId),
          wanted.map((pair) => pair.channel.workspaceId),
        ],
      );
    return rows.map(({ found_channel_id: channelId, found_external_user_id: externalUserId, ...row }) => ({
      channelId,
      externalUserId,
      customer: customerFromRow(row),
    }));
  }

  /**
   * Creates a customer with its platform identity on this channel, or returns null when another transaction
   * created the identity first (our customer row is then removed again, inside this transaction). Settled by
   * the identity's unique constraint (ON CONFLICT), so concurrent deliveries never fail.
   */
  async createWithIdentityUnlessTaken(
    manager: EntityManager,
    channel: ChannelRef,
    externalUserId: string,
    name: string | null,
  ): Promise<CustomerEntity | null> {
    // One statement for both rows: the identity's columns come back beside the customer's, null when taken.
    const [row]: Array<CustomerRow & TakenIdentityColumns> = await queryRows(
      manager,
      `WITH customer AS (
         INSERT INTO customers (workspace_id, name) VALUES ($1, $2) RETURNING *
       ), identity AS (
         INSERT INTO customer_identities (customer_id, workspace_id, channel_id, platform, external_user_id)
         SELECT id, $1, $3, $4, $5 FROM customer
         ON CONFLICT ON CONSTRAINT customer_identities_channel_user_key DO NOTHING RETURNING *
       )
       SELECT customer.*, identity.id AS identity_id, identity.platform AS identity_platform,
              identity.created_at AS identity_created_at
         FROM customer LEFT JOIN identity ON true`,
      [channel.workspaceId, name, channel.id, channel.platform, externalUserId],
    );
    if (row.identity_id === null) {
      await manager.query(`DELETE FROM customers WHERE id = $1 AND workspace_id = $2`, [
        row.id,
        channel.workspaceId,
      ]);
      return null;
    }
    return customerWithIdentity(row, channel, externalUserId);
  }

  /**
   * createWithIdentityUnlessTaken for many senders in one statement (ids made here, so that every answer
   * finds its row). One answer per input, in order: null where another transaction took the identity first
   * (those customer rows are removed again). The inputs must name distinct identities.
   */
  async createManyWithIdentitiesUnlessTaken(
    manager: EntityManager,
    wanted: ReadonlyArray<{ channel: ChannelRef; externalUserId: string; name: string | null }>,
  ): Promise<Array<CustomerEntity | null>> {
    if (wanted.length === 0) return [];
    const ids = wanted.map(() => randomUUID());
    const rows: Array<CustomerRow & TakenIdentityColumns> = await queryRows(
      manager,
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[])
           AS batch (id, workspace_id, name, channel_id, platform, external_user_id)
       ), customer AS (
         INSERT INTO customers (id, workspace_id, name) SELECT id, workspace_id, name FROM input RETURNING *
       ), identity AS (
         INSERT INTO customer_identities (customer_id, workspace_id, channel_id, platform, external_user_id)
         SELECT input.id, input.workspace_id, input.channel_id, input.platform, input.external_user_id
           FROM customer JOIN input ON input.id = customer.id
         ON CONFLICT ON CONSTRAINT customer_identities_channel_user_key DO NOTHING RETURNING *
       )
       SELECT customer.*, identity.id AS identity_id, identity.platform AS identity_platform,
              identity.created_at AS identity_created_at
         FROM customer LEFT JOIN identity ON identity.customer_id = customer.id`,
      [
        ids,
        wanted.map((sender) => sender.channel.workspaceId),
        wanted.map((sender) => sender.name),
        wanted.map((sender) => sender.channel.id),
        wanted.map((sender) => sender.channel.platform),
        wanted.map((sender) => sender.externalUserId),
      ],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const taken = rows.filter((row) => row.identity_id === null).map((row) => row.id);
    if (taken.length > 0) await manager.query(`DELETE FROM customers WHERE id = ANY($1::uuid[])`, [taken]);
    return wanted.map((sender, index) => {
      const row = byId.get(ids[index]);
      return row && row.identity_id !== null
        ? customerWithIdentity(row, sender.channel, sender.externalUserId)
        : null;
    });
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
    await this.attachIdentities(workspaceId, page.items);
    return page;
  }

  async update(
    workspaceId: string,
    id: string,
    changes: CustomerChanges,
    manager: EntityManager,
  ): Promise<CustomerEntity> {
    await manager.getRepository(CustomerEntity).update({ id, workspaceId }, changes);
    return this.getWithIdentitiesOrFail(workspaceId, id, manager);
  }

  /** Marks the customer deleted and forgets its platform identities (a new message makes a new customer). */
  async softDelete(workspaceId: string, id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(CustomerIdentityEntity).delete({ customerId: id, workspaceId });
    await manager.getRepository(CustomerEntity).update({ id, workspaceId }, { deletedAt: () => 'now()' });
  }

  private getWithIdentitiesOrFail(
    workspaceId: string,
    id: string,
    manager: EntityManager,
  ): Promise<CustomerEntity> {
    return manager.getRepository(CustomerEntity).findOneOrFail({
      where: { id, workspaceId },
      relations: { identities: true },
      order: { identities: { createdAt: 'ASC' } },
    });
  }

  /** One query for the identities of a whole page (the page query itself must stay one row per customer). */
  private async attachIdentities(workspaceId: string, customers: CustomerEntity[]): Promise<void> {
    if (customers.length === 0) return;
    const identities = await this.dataSource.getRepository(CustomerIdentityEntity).find({
      where: { workspaceId, customerId: In(customers.map((customer) => customer.id)) },
      order: { createdAt: 'ASC' },
    });
    for (const customer of customers)
      customer.identities = identities.filter((identity) => identity.customerId === customer.id);
  }
}
