import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const HSTS_MAX_AGE_SECONDS = 31_536_000;

/**
 * The console: scripts only from this origin (the Vite build has no inline script), inline style attributes
 * (React `style` props), images from media and data URLs, nobody may frame it.
 */
const consolePolicy = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // Set below, only over HTTPS: over plain HTTP it would be ignored at best and misleading at worst.
  strictTransportSecurity: false,
});

/** Swagger UI's page starts itself with an inline script and inline styles. */
const docsPolicy = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  strictTransportSecurity: false,
});

const DOCS_PATH = '/api/docs';
const HSTS_VALUE = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`;

type HeaderList = Array<[name: string, value: string]>;

/**
 * The headers a helmet policy sets, recorded once: with fixed directives they are the same on every response,
 * so a request then costs a few `setHeader`s instead of helmet's chain of a dozen middlewares.
 */
function recordHeaders(policy: RequestHandler): HeaderList {
  const headers: HeaderList = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let finished = false;
  policy({} as Request, recorder as unknown as Response, () => (finished = true));
  if (!finished) throw new Error('helmet did not finish synchronously: its headers cannot be recorded');
  return headers;
}

const consoleHeaders = recordHeaders(consolePolicy);
const docsHeaders = recordHeaders(docsPolicy);

/** helmet's headers on every response, HSTS when the request came over HTTPS (req.secure honours `trust proxy`). */
export function securityHeaders(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.secure) response.setHeader('Strict-Transport-Security', HSTS_VALUE);
    const onDocs = request.path === DOCS_PATH || request.path.startsWith(`${DOCS_PATH}/`);
    for (const [name, value] of onDocs ? docsHeaders : consoleHeaders) response.setHeader(name, value);
    next();
  };
}
