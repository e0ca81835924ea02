import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../webhooks/backoff';
import { JOB_RETRY, type JobHandlers } from './catalog';

describe('job catalog', () => {
  it('refuses, at compile time, a handler map that misses a kind (checked by tsc --noEmit)', () => {
    // @ts-expect-error 'payment_link.deactivate' has no handler, so this must not compile.
    const incomplete: JobHandlers = { 'mail.send': async () => undefined };
    expect(Object.keys(incomplete)).toEqual(['mail.send']);
  });

  it('retries every kind for hours with a growing, capped backoff', () => {
    for (const policy of Object.values(JOB_RETRY)) {
      // A delay follows each failed attempt but the last.
      const shortest = Array.from({ length: policy.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, policy, () => 0));
      const longest = Array.from({ length: policy.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, policy, () => 1));
      expect(longest.every((delay, i) => i === 0 || delay >= longest[i - 1]!)).toBe(true);
      expect(Math.max(...longest)).toBeLessThanOrEqual(policy.maxMs);
      expect(shortest.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(2 * 3_600_000);
      expect(longest.reduce((sum, delay) => sum + delay, 0)).toBeLessThan(5 * 3_600_000);
    }
  });
});
