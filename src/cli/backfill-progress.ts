import type { BackfillProgress } from '../webhooks/backfill';
import type { ProgressState } from './progress-line';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** "3.5 of 30 days", "2 of 6 hours": the window a backfill has gone back through, in a unit that suits its length. */
function windowAmount(done: number, total: number): string {
  const [unit, size] = total >= 2 * DAY ? ['days', DAY] : total >= 2 * HOUR ? ['hours', HOUR] : ['minutes', MINUTE];
  const format = (seconds: number) => (Math.round((seconds / size) * 10) / 10).toLocaleString('en-US');
  return `${format(done)} of ${format(total)} ${unit}`;
}

/** A backfill's progress for the shared display: time gone back through, of the window; the rate in events. */
export function backfillProgressState(progress: BackfillProgress, finished = false): ProgressState {
  const total = Math.max(1, progress.until - progress.since);
  const done = finished ? total : Math.min(total, Math.max(0, progress.until - progress.reached));
  return {
    done,
    total,
    unit: 'events',
    counted: progress.fetched,
    amount: windowAmount(done, total),
    detail: `${progress.fetched.toLocaleString('en-US')} ${progress.fetched === 1 ? 'event' : 'events'} read`,
  };
}
