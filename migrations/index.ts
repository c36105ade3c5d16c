import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { RefreshTokens1765100000000 } from './1765100000000-refresh-tokens.js';
import { ChannelHealth1765300000000 } from './1765300000000-channel-health.js';
import { Attention1765400000000 } from './1765400000000-attention.js';
import { Media1765500000000 } from './1765500000000-media.js';
import { MessageParts1765600000000 } from './1765600000000-message-parts.js';
import { CustomerProfiles1765700000000 } from './1765700000000-customer-profiles.js';

/** Every migration, in order. A new migration file is added here too (explicit lists work the same in ESM, jest and dist). */
export const migrations = [
  InitialSchema1764000000000,
  RefreshTokens1765100000000,
  ChannelHealth1765300000000,
  Attention1765400000000,
  Media1765500000000,
  MessageParts1765600000000,
  CustomerProfiles1765700000000,
];
