import type { AuthUser } from '../auth/auth-user.js';
import type { MediaRecord } from './media.record.js';

/**
 * Who may read a media file, besides a message's visibility (checked in the repository): an avatar is
 * workspace-wide like its customer; an unsent upload only for its uploader and the workspace's admins.
 */
export function mediaVisibleWithoutMessage(actor: AuthUser, record: MediaRecord): boolean {
  if (record.workspaceId !== actor.workspaceId) return false;
  if (record.kind === 'avatar') return true;
  if (record.kind === 'upload' && record.messageId === null) {
    return actor.role === 'admin' || record.uploaderUserId === actor.id;
  }
  return false;
}
