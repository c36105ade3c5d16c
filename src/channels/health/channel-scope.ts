import type { EventScope } from '../../common/domain-events.js';

/** A channel's own events reach its members and the workspace's admins. */
export function channelScope(workspaceId: string, channelId: string): EventScope {
  return { workspaceId, channelId, conversationId: null };
}
