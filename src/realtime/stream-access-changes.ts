import type { AccessChange } from '../common/domain-events.js';
import type { StreamConnection } from './stream-connection.js';
import type { StreamRegistry } from './stream-registry.js';

/**
 * Applies an access event (membership, channel deletion, user change) of a workspace to the live access of
 * the streams in `registry`, in log order with the data events. Returns the streams that must be closed
 * (a deleted or re-roled user reconnects with what it may now see), or undefined for a change of a kind
 * this build does not know (a newer instance wrote it).
 */
export function applyAccessChange(
  registry: StreamRegistry,
  workspaceId: string,
  change: AccessChange,
): StreamConnection[] | undefined {
  registry.bumpAccessVersion(workspaceId);
  switch (change.kind) {
    case 'channel_members': {
      const members = new Set(change.userIds);
      for (const { access } of registry.users()) {
        if (access.workspaceId !== workspaceId) continue;
        if (members.has(access.userId)) access.channelIds.add(change.channelId);
        else access.channelIds.delete(change.channelId);
      }
      return [];
    }
    case 'channel_deleted':
      for (const { access } of registry.users()) {
        if (access.workspaceId === workspaceId) access.channelIds.delete(change.channelId);
      }
      return [];
    case 'user_changed':
      return [...registry.connectionsOf(change.userId)];
    default: {
      const unknown: never = change;
      void unknown;
      return undefined;
    }
  }
}
