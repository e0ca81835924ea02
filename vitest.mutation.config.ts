import { defineConfig } from 'vitest/config';

// The tests that pin down the money-critical modules `npm run test:mutation` mutates (stryker.config.mjs).
// A subset of `npm test`: Stryker runs them once per mutant that they cover, so slow suites stay out.
export default defineConfig({
  test: {
    include: [
      'src/money.test.ts',
      'src/webhooks/object-versions.test.ts',
      'src/webhooks/signature.test.ts',
      'web/session.test.ts',
      'test/webhooks/receive.test.ts',
      'test/webhooks/out-of-order.test.ts',
      'test/webhooks/object-store.test.ts',
      'test/webhooks/worker.test.ts',
      'test/webhooks/route-hardening.test.ts',
      'test/invoices/invoice-payments.test.ts',
      'test/api/tenant-isolation.test.ts',
      'test/dashboard/security.test.ts',
    ],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
