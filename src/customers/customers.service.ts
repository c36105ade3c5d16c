import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { workspaceScope } from '../common/domain-events.js';
import { pageSize, type Page } from '../common/pagination.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { toCustomerView, type CustomerView } from './customer.view.js';
import { CustomersRepository, type CustomerFields } from './customers.repository.js';
import type { CreateCustomerDto } from './dto/create-customer.dto.js';
import type { ListCustomersQueryDto } from './dto/list-customers-query.dto.js';
import type { UpdateCustomerDto } from './dto/update-customer.dto.js';
import { NotFoundError } from '../common/errors/domain-errors.js';

type EditableField = 'name' | 'phone' | 'email' | 'notes';
const EDITABLE_FIELDS: readonly EditableField[] = ['name', 'phone', 'email', 'notes'];

/** Absent stays absent; null and blank strings clear the field; other strings are trimmed. */
function normalizedChanges(dto: CreateCustomerDto): Partial<Pick<CustomerFields, EditableField>> {
  const changes: Partial<Pick<CustomerFields, EditableField>> = {};
  for (const field of EDITABLE_FIELDS) {
    const value = dto[field];
    if (value === undefined) continue;
    const trimmed = value === null ? '' : value.trim();
    changes[field] = trimmed === '' ? null : trimmed;
  }
  return changes;
}

/** The fields an agent's change sets: what it changes, clearing included (so a profile lookup leaves them). */
function agentSetFields(
  already: readonly string[],
  changes: Partial<Pick<CustomerFields, EditableField>>,
  current?: Partial<Pick<CustomerFields, EditableField>>,
): string[] {
  const set = new Set(already);
  for (const field of EDITABLE_FIELDS)
    if (field in changes && changes[field] !== (current ? current[field] : null)) set.add(field);
  return [...set].sort();
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async listCustomers(actor: AuthUser, query: ListCustomersQueryDto): Promise<Page<CustomerView>> {
    const page = await this.customers.list(
      actor.workspaceId,
      query.q?.trim() || undefined,
      pageSize(query),
      query.cursor,
    );
    return { items: page.items.map(toCustomerView), nextCursor: page.nextCursor };
  }

  async getCustomer(actor: AuthUser, id: string): Promise<CustomerView> {
    const customer = await this.customers.getWithIdentities(actor.workspaceId, id);
    if (!customer) throw new NotFoundError('Customer not found');
    return toCustomerView(customer);
  }

  async createCustomer(actor: AuthUser, dto: CreateCustomerDto): Promise<CustomerView> {
    return this.transactions.run(async (tx) => {
      const changes = normalizedChanges(dto);
      const customer = toCustomerView(
        await this.customers.insert(
          actor.workspaceId,
          { ...changes, agentSetFields: agentSetFields([], changes) },
          tx.manager,
        ),
      );
      tx.emit('customer.created', workspaceScope(actor.workspaceId), customer);
      return customer;
    });
  }

  /** Emits customer.updated only when a field actually changes. */
  async updateCustomer(actor: AuthUser, id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    return this.transactions.run(async (tx) => {
      const current = await this.customers.getForUpdate(actor.workspaceId, id, tx.manager);
      if (!current) throw new NotFoundError('Customer not found');
      const changes = normalizedChanges(dto);
      const changed = EDITABLE_FIELDS.some((field) => field in changes && changes[field] !== current[field]);
      if (!changed)
        return toCustomerView(
          (await this.customers.getWithIdentities(actor.workspaceId, id, tx.manager)) ?? current,
        );
      const customer = toCustomerView(
        await this.customers.update(
          actor.workspaceId,
          id,
          { ...changes, agentSetFields: agentSetFields(current.agentSetFields, changes, current) },
          tx.manager,
        ),
      );
      tx.emit('customer.updated', workspaceScope(actor.workspaceId), customer);
      return customer;
    });
  }

  async deleteCustomer(actor: AuthUser, id: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const customer = await this.customers.getForUpdate(actor.workspaceId, id, tx.manager);
      if (!customer) throw new NotFoundError('Customer not found');
      await this.customers.softDelete(actor.workspaceId, id, tx.manager);
      tx.emit('customer.deleted', workspaceScope(actor.workspaceId), { id });
    });
  }
}
