import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { createOpenApiDocument } from './openapi/openapi-document.js';
import { securityHeaders } from './common/security-headers.js';
import { ExpressHttpAdapter } from './common/express-http-adapter.js';
import { REFRESH_COOKIE_PATH } from './auth/sessions/refresh-cookie.js';

/** Webhook bodies may be up to 1 MiB (docs/api.md); larger ones get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Builds the application exactly as production runs it. main.ts and the e2e tests both call this, so tests
 * exercise the same pipes, filters, guards, body limits and prefix.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), new ExpressHttpAdapter(), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: true,
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // No ETag (a SHA-1 of every JSON answer) on API responses: no client revalidates them. Media sets its own.
  app.set('etag', false);
  app.use(securityHeaders());
  // Only the auth routes read a cookie (crm_refresh, whose Path is /api/auth): nothing else parses cookies.
  app.use(REFRESH_COOKIE_PATH, cookieParser());
  app.setGlobalPrefix('api', { exclude: [] });
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}

function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
}
