import type { Platform } from '../../channels/entities/channel.entity.js';
import type { PlatformChannel } from '../../channels/entities/platform-channel.js';

/** What a platform tells of one of its users; null where it does not say. */
export interface PlatformProfile {
  name: string | null;
  /** The platform's URL of the user's picture (downloaded and stored as media, never shown as is). */
  avatarUrl: string | null;
}

export type ProfileLookupResult =
  | { ok: true; profile: PlatformProfile }
  /** `retryable`: a timeout, network failure, 5xx or rate limit. `error` never holds a token. */
  | { ok: false; retryable: boolean; error: string };

/** One platform's profile API: asks it about a user with the channel's credentials; never throws for its failures. */
export interface ProfileFetcher<P extends Platform = Platform> {
  readonly platform: P;
  fetchProfile(channel: PlatformChannel<P>, externalUserId: string): Promise<ProfileLookupResult>;
}

/** A trimmed non-empty string, or null. */
export function profileText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
