import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboundMediaSources } from './inbound-media-sources.js';
import { MediaController } from './media.controller.js';
import { MediaDownloaderService } from './media-downloader.service.js';
import { MediaDownloadsRepository } from './media-downloads.repository.js';
import { MediaRepository } from './media.repository.js';
import { MediaServingService } from './media-serving.service.js';
import { UploadsController } from './uploads.controller.js';
import { LocalDiskStorage, MEDIA_STORAGE } from './media-storage.js';
import { MediaService } from './media.service.js';

@Module({
  // The channels' credentials and token health, for platform media fetched by id (TikTok).
  imports: [ChannelsModule],
  controllers: [UploadsController, MediaController],
  providers: [
    MediaRepository,
    MediaService,
    MediaServingService,
    MediaDownloadsRepository,
    InboundMediaSources,
    MediaDownloaderService,
    { provide: MEDIA_STORAGE, useFactory: (config: AppConfig) => new LocalDiskStorage(config.mediaDir), inject: [APP_CONFIG] },
  ],
  exports: [MediaService],
})
export class MediaModule {}
