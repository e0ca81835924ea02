import { defineConfig } from 'vitest/config';

// One suite, run once: files that touch storage parametrize themselves over both stores
// (PostgreSQL and embedded PGlite) with `describeEachStore`, so a single `npm test` covers both.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sandbox/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/chaos/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
