import { describe, expect, it } from 'vitest';
import { JOB_RETRY, type JobHandlers } from './catalog';

/** graphile-worker's delay after the n-th failed attempt (its failJob: e^min(n, 10) seconds). */
const graphileDelayMs = (attempt: number) => Math.exp(Math.min(attempt, 10)) * 1_000;

describe('job catalog', () => {
  it('refuses, at compile time, a handler map that misses a kind (checked by tsc --noEmit)', () => {
    // @ts-expect-error 'payment_link.deactivate' has no handler, so this must not compile.
    const incomplete: JobHandlers = { 'mail.send': async () => undefined };
    expect(Object.keys(incomplete)).toEqual(['mail.send']);
  });

  it("gives every kind enough attempts to retry for hours on graphile-worker's backoff, and not for days", () => {
    for (const policy of Object.values(JOB_RETRY)) {
      // A delay follows each failed attempt but the last.
      const delays = Array.from({ length: policy.maxAttempts - 1 }, (_, i) => graphileDelayMs(i + 1));
      const total = delays.reduce((sum, delay) => sum + delay, 0);
      expect(total).toBeGreaterThan(2 * 3_600_000);
      expect(total).toBeLessThan(12 * 3_600_000);
    }
  });
});
