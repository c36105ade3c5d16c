import { Injectable } from '@nestjs/common';
import { workspaceScope } from '../../common/domain-events.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { mediaUrl, type MediaRecord } from '../../media/media.record.js';
import { MediaService } from '../../media/media.service.js';
import { toCustomerView } from '../customer.view.js';
import { CustomersRepository, type CustomerChanges } from '../customers.repository.js';
import { MAX_CUSTOMER_NAME_LENGTH } from '../dto/create-customer.dto.js';
import type { PlatformProfile } from './profile-fetcher.js';
import { ProfileLookupsRepository, type PendingLookup } from './profile-lookups.repository.js';

/**
 * Applies a looked-up profile in one transaction with its `customer_updated`, and ends the lookup. The name is
 * filled only while unknown; a field an agent set is never touched. A new avatar replaces the old one, whose
 * media loses its owner.
 */
@Injectable()
export class ProfileApplier {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly lookups: ProfileLookupsRepository,
    private readonly media: MediaService,
    private readonly transactions: TransactionRunner,
  ) {}

  async apply(lookup: PendingLookup, profile: PlatformProfile, avatar: MediaRecord | null): Promise<void> {
    const { workspaceId, customerId } = lookup;
    const avatarKept = await this.transactions.run(async (tx) => {
      await this.lookups.remove(lookup, tx.manager);
      const current = await this.customers.getForUpdate(workspaceId, customerId, tx.manager);
      if (!current) return false; // deleted meanwhile
      const agentSet = new Set(current.agentSetFields);
      const changes: CustomerChanges = {};
      if (profile.name && current.name === null && !agentSet.has('name'))
        changes.name = profile.name.slice(0, MAX_CUSTOMER_NAME_LENGTH);
      if (avatar && !agentSet.has('avatarUrl')) changes.avatarUrl = mediaUrl(avatar.id);
      if (Object.keys(changes).length === 0) return false;
      if (changes.avatarUrl && avatar) await this.media.releaseAvatars(workspaceId, customerId, avatar.id, tx.manager);
      const customer = await this.customers.update(workspaceId, customerId, changes, tx.manager);
      tx.emit('customer.updated', workspaceScope(workspaceId), toCustomerView(customer));
      return changes.avatarUrl !== undefined;
    });
    if (avatar && !avatarKept) await this.media.delete(avatar.id);
  }
}
