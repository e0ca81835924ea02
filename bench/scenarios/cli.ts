import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { log, rows } from '../lib/report';

const RUNS = 10;
const TARGET_SECONDS = 0.3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function secondsOf(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore', timeout: 60_000 });
  return (performance.now() - started) / 1000;
}

/**
 * CLI start time: the median of 10 `node bin/paybridge.js --help` runs on a fresh build, beside the
 * median of bare `node -e 0` on the same machine at the same moment (what no CLI can go below).
 */
export async function benchCli(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
  const help: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    help.push(secondsOf(['bin/paybridge.js', '--help']));
    bare.push(secondsOf(['-e', '0']));
  }
  const p50 = median(help);
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  log(`cli --help: median ${p50.toFixed(3)} s of ${RUNS} (node -e 0: ${median(bare).toFixed(3)} s), load average ${load}`);
  rows.push({
    benchmark: 'CLI --help start',
    target: `≤ ${TARGET_SECONDS} s median`,
    p50: p50 * 1000,
    detail: `median of ${RUNS} runs; bare node -e 0 ${(median(bare) * 1000).toFixed(0)} ms; load average ${load}`,
    met: p50 <= TARGET_SECONDS,
  });
}
