import { defineConfig } from 'vitest/config';

// One suite, run once, on PostgreSQL: the system server on 127.0.0.1:5432, PAYBRIDGE_TEST_DATABASE_URL,
// or else the embedded PostgreSQL that global-setup.ts starts (see README).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sandbox/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/chaos/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts', 'test/support/build-cli.ts'],
  },
});
