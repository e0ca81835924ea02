import { describe, expect, it } from 'vitest';
import { backfillProgressState } from './backfill-progress';

const DAY = 86_400;
const until = 1_800_000_000;

describe('backfill progress', () => {
  it('counts the window gone back through (newest first) in days, hours or minutes by its length', () => {
    expect(backfillProgressState({ fetched: 120, since: until - 30 * DAY, until, reached: until - 12 * DAY })).toMatchObject({
      done: 12 * DAY,
      total: 30 * DAY,
      counted: 120,
      amount: '12 of 30 days',
      detail: '120 events read',
    });
    expect(backfillProgressState({ fetched: 1, since: until - 6 * 3600, until, reached: until - 5400 }).amount).toBe('1.5 of 6 hours');
    expect(backfillProgressState({ fetched: 1, since: until - 3600, until, reached: until - 600 })).toMatchObject({
      amount: '10 of 60 minutes',
      detail: '1 event read',
    });
  });

  it('is the whole window once the list has ended, also when it held nothing', () => {
    const state = backfillProgressState({ fetched: 0, since: until - 3600, until, reached: until }, true);
    expect(state).toMatchObject({ done: 3600, total: 3600, amount: '60 of 60 minutes' });
  });
});
