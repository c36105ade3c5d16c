import { Injectable } from '@nestjs/common';
import { AccessService, type StreamAccess } from '../access/access.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { StreamHub } from './stream-hub.js';

const MAX_RELOADS = 5;

/** Builds a stream's in-memory access from the one access component, consistent with access events in flight. */
@Injectable()
export class StreamAccessLoader {
  constructor(
    private readonly access: AccessService,
    private readonly hub: StreamHub,
  ) {}

  async load(actor: AuthUser): Promise<StreamAccess> {
    for (let attempt = 0; ; attempt++) {
      const existing = this.hub.existingAccess(actor.id);
      if (existing && existing.isAdmin === (actor.role === 'admin')) return existing;
      const version = this.hub.accessVersion(actor.workspaceId);
      const channelIds = await this.access.visibleChannelIds(actor);
      // An access change relayed while we were reading may not be in what we read: read again.
      if (this.hub.accessVersion(actor.workspaceId) === version || attempt >= MAX_RELOADS) {
        return { userId: actor.id, workspaceId: actor.workspaceId, isAdmin: actor.role === 'admin', channelIds: new Set(channelIds) };
      }
    }
  }
}
