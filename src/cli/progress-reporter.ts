import { progressLine, type ProgressPace, type ProgressState } from './progress-line';

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Redraws of a terminal bar closer together than this show nothing a reader can follow. */
const REDRAW_MS = 100;

/**
 * Shows a long task's progress on stderr: one bar redrawn in place on a terminal; on anything else (a
 * pipe, a log file, CI) one plain line per tenth of the way (per 1,000 counted when there is no
 * total) and a last line at the end, so a log stays short and still shows how far it got. The rate
 * and time left are measured from the first update, so a task that joins others' work midway does
 * not count their part as its speed.
 */
export class ProgressReporter {
  private first: { at: number; done: number; counted: number } | undefined;
  private last: ProgressState | undefined;
  private lastPrinted: string | undefined;
  private lastStep = -1;
  private lastDrawAt = -Infinity;

  constructor(
    private readonly out: Output = process.stderr,
    private readonly clock: () => number = Date.now,
  ) {}

  update(state: ProgressState): void {
    const at = this.clock();
    const counted = state.counted ?? state.done;
    this.first ??= { at, done: state.done, counted };
    this.last = state;
    const finished = state.total !== null && state.total > 0 && state.done >= state.total;
    if (this.out.isTTY) {
      if (!finished && at - this.lastDrawAt < REDRAW_MS) return;
      this.lastDrawAt = at;
      this.draw(`\r${this.line(state, at)}\u001b[K`);
      return;
    }
    const step = state.total ? Math.floor((Math.min(state.done, state.total) / state.total) * 10) : Math.floor(counted / 1000);
    if (step === this.lastStep) return;
    this.lastStep = step;
    this.draw(`${this.line(state, at)}\n`);
  }

  /** Ends the display: the terminal's cursor leaves the bar's line; a log gets the final state if its last line was older. */
  finish(): void {
    if (this.out.isTTY) {
      if (this.last) this.out.write(`\r${this.line(this.last, this.clock())}\u001b[K\n`);
      return;
    }
    if (!this.last) return;
    const line = `${this.line(this.last, this.clock())}\n`;
    if (this.stripPace(line) !== this.stripPace(this.lastPrinted ?? '')) this.out.write(line);
  }

  private draw(text: string): void {
    this.lastPrinted = text;
    this.out.write(text);
  }

  private line(state: ProgressState, at: number): string {
    return progressLine(state, this.pace(state, at));
  }

  private pace(state: ProgressState, at: number): ProgressPace {
    const first = this.first;
    const seconds = first ? (at - first.at) / 1000 : 0;
    if (!first || seconds <= 0) return { perSecond: null, secondsLeft: null };
    const perSecond = ((state.counted ?? state.done) - first.counted) / seconds;
    // Time left from the share of the way covered since the first update, whatever the unit of `done`.
    const covered = state.total ? (state.done - first.done) / state.total : 0;
    const left = state.total ? (state.total - state.done) / state.total : 0;
    return { perSecond, secondsLeft: covered > 0 ? (seconds * left) / covered : null };
  }

  /** Two lines that differ only in rate or time left say the same thing: the last one is not repeated. */
  private stripPace(line: string): string {
    return line.replace(/ · [^(]*/g, '');
  }
}
