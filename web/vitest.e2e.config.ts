import { defineConfig } from 'vitest/config';

/** Browser end-to-end tests: the real server on embedded Postgres, driven through Debian's chromium. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
