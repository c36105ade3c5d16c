import type { Provider } from '@nestjs/common';
import type { Platform } from '../channels/entities/channel.entity.js';
import { FacebookAdapter } from './facebook/facebook.adapter.js';
import type { PlatformAdapter } from './platform-adapter.js';
import { TiktokAdapter } from './tiktok/tiktok.adapter.js';
import { ZaloAdapter } from './zalo/zalo.adapter.js';

/** Every platform adapter. A new platform is one folder implementing PlatformAdapter plus one line here. */
export const PLATFORM_ADAPTERS = [FacebookAdapter, ZaloAdapter, TiktokAdapter] as const;

/** Finds the adapter of a platform. */
export class PlatformRegistry {
  private readonly adapters = new Map<Platform, PlatformAdapter>();

  constructor(adapters: readonly PlatformAdapter[]) {
    for (const adapter of adapters) this.adapters.set(adapter.platform, adapter);
  }

  get(platform: Platform): PlatformAdapter {
    const adapter = this.adapters.get(platform);
    if (!adapter) throw new Error(`no adapter for platform ${platform}`);
    return adapter;
  }
}

export const platformRegistryProvider: Provider = {
  provide: PlatformRegistry,
  inject: [...PLATFORM_ADAPTERS],
  useFactory: (...adapters: PlatformAdapter[]) => new PlatformRegistry(adapters),
};
