import { describe, expect, it } from 'vitest';
import { duration, progressLine } from './progress-line';

describe('progress line', () => {
  it('draws a bar of done over total with the detail', () => {
    const state = { done: 3_500, total: 7_000, unit: 'items', detail: '2,000 products, 1,500 prices' };
    expect(progressLine(state)).toBe(`[${'#'.repeat(15)}${'-'.repeat(15)}]  50% 3,500/7,000 (2,000 products, 1,500 prices)`);
    expect(progressLine({ ...state, done: 7_000 })).toContain(`[${'#'.repeat(30)}] 100% 7,000/7,000`);
  });

  it('adds the rate and the time left when they are known, and no time left once done', () => {
    const pace = { perSecond: 120.4, secondsLeft: 185 };
    expect(progressLine({ done: 50, total: 200, unit: 'events' }, pace)).toBe(
      `[${'#'.repeat(8)}${'-'.repeat(22)}]  25% 50/200 · 120 events/s · ETA 3m 05s`,
    );
    expect(progressLine({ done: 200, total: 200, unit: 'events' }, pace)).toBe(`[${'#'.repeat(30)}] 100% 200/200 · 120 events/s`);
  });

  it('says the amount in its own words when done/total are not counts of the unit', () => {
    expect(progressLine({ done: 15, total: 30, unit: 'events', counted: 420, amount: '15 of 30 days' })).toContain(' 50% 15 of 30 days');
  });

  it('shows the count and rate only when nobody knows the total', () => {
    expect(progressLine({ done: 3_500, total: null, unit: 'items', detail: 'running' }, { perSecond: 7, secondsLeft: null })).toBe(
      '3,500 items · 7 items/s (running)',
    );
  });

  it('writes durations short', () => {
    expect([duration(0), duration(42.4), duration(185), duration(3_720)]).toEqual(['0s', '42s', '3m 05s', '1h 02m']);
  });
});
