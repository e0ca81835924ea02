/** Where a long CLI task stands: `done` of `total` (null when nobody can know it yet). */
export interface ProgressState {
  readonly done: number;
  readonly total: number | null;
  /** What the rate counts, e.g. "events" ("120 events/s"). */
  readonly unit: string;
  /** The number the rate is taken from, when it is not `done` (a backfill's bar is time, its rate events). */
  readonly counted?: number;
  /** How `done` of `total` reads, when not "3,500/7,000" (e.g. "12 of 30 days"). */
  readonly amount?: string;
  /** Said in parentheses after the rest, e.g. "(2,000 products, 1,500 prices)". */
  readonly detail?: string;
}

/** Speed and time left, measured by the caller (ProgressReporter) between its first and latest update. */
export interface ProgressPace {
  readonly perSecond: number | null;
  readonly secondsLeft: number | null;
}

const WIDTH = 30;

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** "42s", "3m 05s", "1h 02m": short enough for one terminal line. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One line of progress: a bar, percentage, done/total, rate and time left when the total is known;
 * the count and rate otherwise. Plain ASCII, so it reads the same in a log file as on a terminal.
 */
export function progressLine(state: ProgressState, pace: ProgressPace = { perSecond: null, secondsLeft: null }): string {
  const rate = pace.perSecond === null ? '' : ` · ${count(pace.perSecond)} ${state.unit}/s`;
  const detail = state.detail ? ` (${state.detail})` : '';
  if (!state.total) return `${count(state.done)} ${state.unit}${rate}${detail}`;
  const ratio = Math.min(1, Math.max(0, state.done / state.total));
  const filled = Math.round(ratio * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const amount = state.amount ?? `${count(state.done)}/${count(state.total)}`;
  const eta = pace.secondsLeft === null || ratio >= 1 ? '' : ` · ETA ${duration(pace.secondsLeft)}`;
  return `[${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${amount}${rate}${eta}${detail}`;
}
