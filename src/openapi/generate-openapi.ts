import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/app-config.js';
import { COMMITTED_OPENAPI_PATH, createOpenApiDocument, serializeOpenApiDocument } from './openapi-document.js';

/*
 * `npm run openapi`: writes docs/openapi.json from the app's routes without a database. Preview mode
 * builds the module graph (every controller and its metadata) but instantiates no provider, so nothing
 * connects anywhere; the configuration only has to be valid, never used.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'crm-inbox-openapi-'));
try {
  const config = loadConfig({
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
    DATA_DIR: dataDir,
    JWT_SECRET: 'openapi-generation-only-secret-not-used-0000',
    CREDENTIALS_KEY: '0'.repeat(64),
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false });
  // The same prefix as app.setup.ts gives the running app; the OpenAPI e2e test fails if the two differ.
  app.setGlobalPrefix('api', { exclude: [] });
  const target = resolve(process.cwd(), COMMITTED_OPENAPI_PATH);
  writeFileSync(target, serializeOpenApiDocument(createOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`wrote ${COMMITTED_OPENAPI_PATH}\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
