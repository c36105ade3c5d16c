import type { Conversation, Platform } from '../api/models';

/** What the readable fallback needs of the customer's platform identity. */
export interface LabelIdentity {
  platform: Platform;
  externalUserId: string | null;
}

const PLATFORM_NAMES: Record<Platform, string> = { facebook: 'Facebook', zalo: 'Zalo', tiktok: 'TikTok' };
/** Enough of a platform user id to tell two unnamed customers apart at a glance. */
const SHOWN_ID_CHARACTERS = 4;

/**
 * The customer's name, or until it is known a readable stand-in: the platform and the end of the platform user id
 * ("Facebook user …4821"), so that unnamed customers do not all read the same.
 */
export function customerLabel(customer: { name: string | null } | undefined, identity?: LabelIdentity): string {
  const name = customer?.name?.trim();
  if (name) return name;
  if (!identity) return 'Unknown customer';
  const platform = PLATFORM_NAMES[identity.platform];
  const id = identity.externalUserId?.trim();
  return id ? `${platform} user …${id.slice(-SHOWN_ID_CHARACTERS)}` : `${platform} user`;
}

/** The label of a conversation's customer: the thread carries the platform and the platform user id. */
export function conversationCustomerLabel(conversation: Pick<Conversation, 'customer' | 'platform'> | undefined): string {
  if (!conversation) return customerLabel(undefined);
  return customerLabel(conversation.customer, {
    platform: conversation.platform,
    externalUserId: conversation.customer.externalUserId,
  });
}

/** Up to two letters of the name for an avatar without a picture ("Linh Tran" → "LT"); "?" while unnamed. */
export function customerInitials(name: string | null | undefined): string {
  const words = (name ?? '').split(/\s+/).filter((word) => /\p{L}/u.test(word));
  const letters = words.slice(0, 2).map((word) => Array.from(word.replace(/[^\p{L}]/gu, ''))[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}
