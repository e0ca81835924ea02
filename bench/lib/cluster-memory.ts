import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Resident and proportional memory of a process in MB (PSS splits shared pages among their users). */
function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
    return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** The postmaster of the embedded cluster in `dataDir` and every process it started. */
function clusterPids(dataDir: string): number[] {
  const pidFile = join(dataDir, 'postgres', 'pgdata', 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (parent === postmaster) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/**
 * Samples, every 250 ms, the memory of a Paybridge process plus its embedded PostgreSQL (postmaster
 * and backends). The RSS sum counts shared buffers once per backend that touched them, so it
 * overstates; the PSS sum is what the processes really hold together. Both peaks are reported.
 */
export function sampleClusterMemory(serverPid: number, dataDir: string) {
  let peakRss = 0;
  let peakPss = 0;
  let peakServer = 0;
  let processes = 0;
  const sample = () => {
    const server = memoryOf(serverPid);
    const cluster = clusterPids(dataDir).map(memoryOf);
    const rss = server.rss + cluster.reduce((sum, m) => sum + m.rss, 0);
    const pss = server.pss + cluster.reduce((sum, m) => sum + m.pss, 0);
    peakServer = Math.max(peakServer, server.rss);
    if (rss > peakRss) processes = cluster.length;
    peakRss = Math.max(peakRss, rss);
    peakPss = Math.max(peakPss, pss);
  };
  sample();
  const timer = setInterval(sample, 250);
  return () => {
    clearInterval(timer);
    sample();
    return { peakRss, peakPss, peakServer, processes };
  };
}
