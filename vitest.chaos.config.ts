import { defineConfig } from 'vitest/config';

// Heavy reliability runs (kill -9 under load, store outages): `npm run test:chaos`, not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
