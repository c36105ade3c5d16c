import { Inject, Injectable } from '@nestjs/common';
import type { PlatformChannel } from '../../channels/entities/platform-channel.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { classifyFacebookError } from '../../platforms/facebook/facebook-send-errors.js';
import { failedCall, getJson } from '../../platforms/platform-http.js';
import { profileText, type ProfileFetcher, type ProfileLookupResult } from './profile-fetcher.js';

/** Messenger's user profile: `GET {graph}/<psid>?fields=first_name,last_name,profile_pic` with the page token. */
@Injectable()
export class FacebookProfileFetcher implements ProfileFetcher<'facebook'> {
  readonly platform = 'facebook' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async fetchProfile(channel: PlatformChannel<'facebook'>, psid: string): Promise<ProfileLookupResult> {
    const { pageAccessToken, appSecret } = channel.credentials;
    const query = new URLSearchParams({ fields: 'first_name,last_name,profile_pic', access_token: pageAccessToken });
    const response = await getJson({
      url: `${this.config.facebookGraphUrl}/${encodeURIComponent(psid)}?${query.toString()}`,
      headers: {},
      secrets: [pageAccessToken, appSecret],
    });
    if (response.kind === 'response' && response.status === 200 && response.body && typeof response.body === 'object') {
      const body = response.body as Record<string, unknown>;
      const name = [profileText(body.first_name), profileText(body.last_name)].filter(Boolean).join(' ');
      return { ok: true, profile: { name: name || null, avatarUrl: profileText(body.profile_pic) } };
    }
    return failedCall('Facebook', response, classifyFacebookError, [pageAccessToken, appSecret]);
  }
}
