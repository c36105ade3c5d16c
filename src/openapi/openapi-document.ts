import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the committed document lives, relative to the repository root (`npm run openapi` writes it). */
export const COMMITTED_OPENAPI_PATH = 'docs/openapi.json';

/** The OpenAPI document of every route of the app; the running app and `npm run openapi` both build it here. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('crm-inbox')
      .setDescription('Omnichannel CRM inbox: REST API, realtime event stream and platform webhooks')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

/**
 * The committed form: keys sorted at every level and two-space indented, so the file changes only when the
 * API does and a review sees exactly what changed.
 */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
}
