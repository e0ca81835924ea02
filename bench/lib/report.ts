export interface Row {
  benchmark: string;
  target: string;
  perSecond?: number;
  p50?: number;
  p99?: number;
  rssMb?: number;
  detail: string;
  /** true = meets its target, false = misses it, undefined = no target. */
  met?: boolean;
}

export const rows: Row[] = [];
/** Reasons the run must exit non-zero (lost acknowledged events, errored requests). */
export const failures: string[] = [];

const fmt = (value: number | undefined, digits = 0) =>
  value === undefined ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function table(): string {
  const lines = [
    '| benchmark | events/s | p50 ms | p99 ms | peak RSS MB | target | met | detail |',
    '|---|---:|---:|---:|---:|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.benchmark} | ${fmt(r.perSecond)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.rssMb)} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} | ${r.detail} |`,
    ),
  ];
  return lines.join('\n');
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
