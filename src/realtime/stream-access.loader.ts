import { Injectable } from '@nestjs/common';
import { AccessService, type StreamAccess } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { StreamRegistry } from './stream-registry.js';

const MAX_RELOADS = 5;

/**
 * Reads a user's stream access from the one access component (the same rule as the REST queries),
 * consistent with access events in flight: read again when one was applied during the read.
 */
@Injectable()
export class StreamAccessLoader {
  constructor(
    private readonly access: AccessService,
    private readonly registry: StreamRegistry,
  ) {}

  async load(actor: AuthUser): Promise<StreamAccess> {
    for (let attempt = 0; ; attempt++) {
      const version = this.registry.accessVersion(actor.workspaceId);
      const channelIds = await this.access.visibleChannelIds(actor);
      if (this.registry.accessVersion(actor.workspaceId) === version || attempt >= MAX_RELOADS) {
        return { userId: actor.id, workspaceId: actor.workspaceId, isAdmin: actor.role === 'admin', channelIds: new Set(channelIds) };
      }
    }
  }
}
