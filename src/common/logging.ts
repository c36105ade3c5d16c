import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/app-config.js';

/** Query parameters that carry secrets (stream tickets, webhook verify tokens, platform tokens). */
const SECRET_QUERY_PARAMETERS = ['ticket', 'hub.verify_token', 'access_token', 'token'];

export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = url.split('?', 2);
  const params = new URLSearchParams(query);
  for (const name of SECRET_QUERY_PARAMETERS) if (params.has(name)) params.set(name, '[redacted]');
  return `${path}?${params.toString()}`;
}

/** Structured JSON logs; headers, bodies and secret query values are never written. */
export function loggerParams(config: AppConfig): Params {
  return {
    // Streams live for hours: a per-request child logger and listeners would be held by each of them.
    exclude: [{ method: RequestMethod.GET, path: 'events/stream' }],
    pinoHttp: {
      level: config.logLevel,
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/api/health' },
      serializers: {
        req: (request: { id?: unknown; method?: string; url?: string }) => ({ id: request.id, method: request.method, url: redactUrl(request.url) }),
        res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
      },
      redact: { paths: ['req.headers', 'password', '*.password', 'credentials', '*.credentials', 'accessToken', '*.accessToken'], remove: true },
    },
  };
}
