import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The API's global prefix: everything under it belongs to Nest, never to the console. */
const API_PREFIX = '/api';

/**
 * Where `vite build` puts the console: `web/dist` at the repository root. This file runs from `src/` (tests)
 * or from `dist/src/` (the built app), so look upwards from it.
 */
export function findWebConsoleDir(fromFile: string = fileURLToPath(import.meta.url)): string | null {
  let directory = dirname(fromFile);
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = join(directory, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    directory = resolve(directory, '..');
  }
  return null;
}

/** A browser navigation the single-page app answers: a GET/HEAD outside /api that is not a missing file. */
export function isConsoleRoute(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return false;
  // `/assets/x.js` that static did not find is a 404, not the app's index page.
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !lastSegment.includes('.');
}
