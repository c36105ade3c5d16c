import { Injectable } from '@nestjs/common';
import type { Platform } from '../../channels/entities/channel.entity.js';
import { FacebookProfileFetcher } from './facebook-profile.fetcher.js';
import type { ProfileFetcher } from './profile-fetcher.js';
import { ZaloProfileFetcher } from './zalo-profile.fetcher.js';

/**
 * The platforms with a profile API. TikTok has none here: its webhook carries the sender's username (`from`),
 * which becomes the customer's name when it is created, and no picture.
 */
@Injectable()
export class ProfileFetchers {
  private readonly fetchers: Partial<{ [P in Platform]: ProfileFetcher<P> }>;

  constructor(facebook: FacebookProfileFetcher, zalo: ZaloProfileFetcher) {
    this.fetchers = { facebook, zalo };
  }

  /** The platform's fetcher, or undefined when there is nothing to look up. */
  for<P extends Platform>(platform: P): ProfileFetcher<P> | undefined {
    return this.fetchers[platform];
  }
}
