// `npm run test:mutation`: StrykerJS over the modules where a bug costs money or trust (issue 18).
// Too heavy for CI (minutes to hours on two cores); run it before a release and record the score in
// RELIABILITY.md. Reports go to reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/webhooks/signature.ts',
    'src/webhooks/object-versions.ts',
    'src/store/event-queue.ts',
    'src/modules/invoices/record-payment.ts',
    'src/money.ts',
    'src/auth/principal.ts',
    'web/session.ts',
  ],
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
};
