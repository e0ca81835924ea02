export type Interval = 'day' | 'week' | 'month' | 'year';

const DAY = 24 * 60 * 60;

/**
 * `anchor` moved forward by `count` intervals in UTC calendar terms. Months clamp to the last day
 * (Jan 31 + 1 month = Feb 28/29), as Stripe's billing cycles do, and are always counted from the
 * anchor so a short month never drags later periods earlier.
 */
export function addInterval(anchor: number, interval: Interval, count: number): number {
  if (interval === 'day') return anchor + count * DAY;
  if (interval === 'week') return anchor + count * 7 * DAY;
  const date = new Date(anchor * 1000);
  const months = interval === 'year' ? count * 12 : count;
  const day = date.getUTCDate();
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

/** The first cycle boundary after `after` on the cycle anchored at `anchor` (bounded search). */
export function nextBoundary(anchor: number, after: number, interval: Interval, count: number): number {
  for (let k = 1; k <= 100_000; k++) {
    const at = addInterval(anchor, interval, k * count);
    if (at > after) return at;
  }
  throw new Error('billing cycle boundary out of range');
}

export const SECONDS_PER_DAY = DAY;
