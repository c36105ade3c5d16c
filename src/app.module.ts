import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module.js';
import { ActivityModule } from './activity/activity.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { loggerParams } from './common/logging.js';
import { RejectNulCharactersPipe } from './common/reject-nul.pipe.js';
import { validationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { CustomerProfilesModule } from './customers/profiles/customer-profiles.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MediaModule } from './media/media.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WebConsoleModule } from './web-console/web-console.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        EventEmitterModule.forRoot({ wildcard: true, delimiter: '.', maxListeners: 50 }),
        DatabaseModule,
        AccessModule,
        HealthModule,
        AuthModule,
        UsersModule,
        ChannelsModule,
        CustomersModule,
        ConversationsModule,
        MessagesModule,
        RealtimeModule,
        ActivityModule,
        WebhooksModule,
        WebConsoleModule,
        MediaModule,
        CustomerProfilesModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: RejectNulCharactersPipe },
        { provide: APP_PIPE, useValue: validationPipe() },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
