import { Inject, Injectable } from '@nestjs/common';
import type { PlatformChannel } from '../../channels/entities/platform-channel.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { failedCall, getJson } from '../../platforms/platform-http.js';
import { classifyZaloError } from '../../platforms/zalo/zalo-send-errors.js';
import { profileText, type ProfileFetcher, type ProfileLookupResult } from './profile-fetcher.js';

/** Zalo OA's follower detail: `GET {api}/v3.0/oa/user/detail?data={"user_id":…}` with the `access_token` header. */
@Injectable()
export class ZaloProfileFetcher implements ProfileFetcher<'zalo'> {
  readonly platform = 'zalo' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async fetchProfile(channel: PlatformChannel<'zalo'>, userId: string): Promise<ProfileLookupResult> {
    const { accessToken, oaSecretKey } = channel.credentials;
    const query = new URLSearchParams({ data: JSON.stringify({ user_id: userId }) });
    const response = await getJson({
      url: `${this.config.zaloApiUrl}/v3.0/oa/user/detail?${query.toString()}`,
      headers: { access_token: accessToken },
      secrets: [accessToken, oaSecretKey],
    });
    // Zalo answers errors with HTTP 200 and a non-zero `error`.
    const body = response.kind === 'response' ? (response.body as { error?: unknown; data?: unknown } | null) : null;
    if (response.kind === 'response' && response.status === 200 && body?.error === 0) {
      const data = body.data && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : {};
      return { ok: true, profile: { name: profileText(data.display_name), avatarUrl: profileText(data.avatar) } };
    }
    return failedCall('Zalo', response, classifyZaloError, [accessToken, oaSecretKey]);
  }
}
