import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH, REPO_DIR, WEB_DIR } from './paths';

/**
 * Builds what the browser tests run: the API (`npm run build`) and the console (`vite build`), exactly as
 * `npm start` serves them. E2E_SKIP_BUILD=1 reuses existing builds.
 */
export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install -y chromium)`);
  }
  if (process.env.E2E_SKIP_BUILD === '1') return;
  execSync('npm run build', { cwd: REPO_DIR, stdio: 'inherit' });
  // vitest sets NODE_ENV=test, which would make vite bundle React's development build.
  execSync('npm run build', {
    cwd: WEB_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
