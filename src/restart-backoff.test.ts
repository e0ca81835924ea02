import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './restart-backoff';

describe('restart backoff of crashed web processes', () => {
  it('waits 1 s after a first crash and doubles with each crash in a row', () => {
    expect([1, 2, 3, 4, 5].map(restartDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never waits more than 30 s, however many crashes in a row', () => {
    expect(restartDelayMs(6)).toBe(30_000);
    expect(restartDelayMs(1_000)).toBe(30_000);
  });

  it('treats a count below 1 as a first crash', () => {
    expect(restartDelayMs(0)).toBe(1_000);
  });
});
