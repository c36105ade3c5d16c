import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Platform } from './entities/channel.entity.js';

export interface FacebookCredentials {
  appSecret: string;
  pageAccessToken: string;
  verifyToken: string;
}
export interface ZaloCredentials {
  appId: string;
  oaSecretKey: string;
  accessToken: string;
  /** The App Secret Key (not the OA Secret Key), for token refresh. */
  appSecret?: string;
  refreshToken?: string;
}
export interface TiktokCredentials {
  appSecret: string;
  accessToken: string;
  /** The app's client key, for token refresh. */
  appId?: string;
  refreshToken?: string;
}
export interface CredentialsByPlatform {
  facebook: FacebookCredentials;
  zalo: ZaloCredentials;
  tiktok: TiktokCredentials;
}
export type ChannelCredentials = CredentialsByPlatform[Platform];

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

/**
 * AES-256-GCM under CREDENTIALS_KEY. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). The channel id is
 * bound as associated data, so a ciphertext copied onto another channel row does not decrypt.
 */
@Injectable()
export class CredentialsCipher {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  encrypt(channelId: string, credentials: ChannelCredentials): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.config.credentialsKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(channelId));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return [FORMAT_VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt<P extends Platform>(channelId: string, stored: string): CredentialsByPlatform[P] {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== FORMAT_VERSION || !iv || !tag || ciphertext === undefined) throw new Error('unreadable channel credentials');
    const decipher = createDecipheriv(ALGORITHM, this.config.credentialsKey, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(channelId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as CredentialsByPlatform[P];
  }
}
