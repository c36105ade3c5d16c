import { Module } from '@nestjs/common';
import { ChannelsModule } from '../../channels/channels.module.js';
import { MediaModule } from '../../media/media.module.js';
import { CustomersModule } from '../customers.module.js';
import { AvatarDownloader } from './avatar-downloader.js';
import { FacebookProfileFetcher } from './facebook-profile.fetcher.js';
import { ProfileApplier } from './profile-applier.js';
import { ProfileFetchers } from './profile-fetchers.js';
import { ProfileLookupWorker } from './profile-lookup.worker.js';
import { ProfileLookupsRepository } from './profile-lookups.repository.js';
import { ZaloProfileFetcher } from './zalo-profile.fetcher.js';

/** Names and avatars of webhook-created customers from the platforms' profile APIs. */
@Module({
  imports: [ChannelsModule, MediaModule, CustomersModule],
  providers: [
    FacebookProfileFetcher,
    ZaloProfileFetcher,
    ProfileFetchers,
    ProfileLookupsRepository,
    AvatarDownloader,
    ProfileApplier,
    ProfileLookupWorker,
  ],
})
export class CustomerProfilesModule {}
