// `npm run test:mutation`: StrykerJS over the modules where a bug costs money or trust (issue 18).
// Too heavy for CI (minutes to hours on two cores); run it before a release and record the score in
// RELIABILITY.md. Reports go to reports/mutation/.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';

// Stryker runs the tests in a copy under .stryker-tmp/sandbox-*/, where the tests' `../shared` (the
// brief's fixtures beside the project) would be .stryker-tmp/shared: point that at the real one.
mkdirSync('.stryker-tmp', { recursive: true });
if (!existsSync('.stryker-tmp/shared')) symlinkSync(resolve('../shared'), '.stryker-tmp/shared', 'dir');

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
  // The first run of the chosen tests takes minutes on a busy two-core machine.
  dryRunTimeoutMinutes: 45,
  // Results are kept per mutant, so a run that is stopped resumes where it was.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
};
