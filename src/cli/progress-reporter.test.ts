import { describe, expect, it } from 'vitest';
import { ProgressReporter } from './progress-reporter';

/** An output that records what was written, and a clock the test moves by hand (no real time passes). */
function fixture(isTTY: boolean) {
  const written: string[] = [];
  let now = 0;
  const reporter = new ProgressReporter({ isTTY, write: (text: string) => written.push(text) }, () => now);
  return { written, reporter, advance: (ms: number) => (now += ms) };
}

describe('progress reporter', () => {
  it('writes one plain line per tenth of the way off a terminal, the last one at the total', () => {
    const { written, reporter, advance } = fixture(false);
    for (let done = 0; done <= 100; done += 5) {
      reporter.update({ done, total: 100, unit: 'events' });
      advance(1_000);
    }
    reporter.finish();
    expect(written).toHaveLength(11);
    expect(written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(written[0]).toContain('  0% 0/100');
    expect(written[5]).toContain(' 50% 50/100 · 5 events/s · ETA 10s');
    expect(written.at(-1)).toContain('100% 100/100');
  });

  it('writes the final state at finish when the last printed line was older', () => {
    const { written, reporter } = fixture(false);
    reporter.update({ done: 0, total: null, unit: 'events' });
    reporter.update({ done: 999, total: null, unit: 'events' });
    reporter.finish();
    expect(written.map((line) => line.split(' ')[0])).toEqual(['0', '999']);
  });

  it('redraws one line in place on a terminal, at most every 100 ms but always at the total, and ends it with a newline', () => {
    const { written, reporter, advance } = fixture(true);
    reporter.update({ done: 1, total: 4, unit: 'events' });
    advance(10);
    reporter.update({ done: 2, total: 4, unit: 'events' });
    advance(200);
    reporter.update({ done: 3, total: 4, unit: 'events' });
    advance(10);
    reporter.update({ done: 4, total: 4, unit: 'events' });
    reporter.finish();
    expect(written.slice(0, 3).map((text) => /\d+\/4/.exec(text)?.[0])).toEqual(['1/4', '3/4', '4/4']);
    expect(written.slice(0, 3).every((text) => text.startsWith('\r') && text.endsWith('\u001b[K'))).toBe(true);
    expect(written.at(-1)).toMatch(/100% 4\/4.*\n$/);
  });
});
