import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by every live process whose command name is `command`. */
export function cpuSecondsOf(command: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== command) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Idle and total CPU time of the whole machine so far, in seconds, from /proc/stat. */
function machineSeconds(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: (fields[3]! + fields[4]!) / TICKS_PER_SECOND, total: fields.reduce((a, b) => a + b, 0) / TICKS_PER_SECOND };
}

/**
 * Where the machine's CPU went during a load phase, per acknowledged event: the server process, the
 * PostgreSQL backends, and this bench process (the load generator). Their sum says how many events
 * per second the machine's cores could carry at best, which is what bounds a rate target.
 */
export function cpuBudget(server: { cpuSeconds(): number }) {
  const before = {
    server: server.cpuSeconds(),
    postgres: cpuSecondsOf('postgres'),
    generator: process.cpuUsage(),
    machine: machineSeconds(),
  };
  return (events: number) => {
    const generatorUsage = process.cpuUsage(before.generator);
    const machine = machineSeconds();
    const perEvent = (seconds: number) => (seconds * 1e6) / Math.max(1, events);
    const serverUs = perEvent(server.cpuSeconds() - before.server);
    const postgresUs = perEvent(cpuSecondsOf('postgres') - before.postgres);
    const generatorUs = perEvent((generatorUsage.user + generatorUsage.system) / 1e6);
    const totalUs = serverUs + postgresUs + generatorUs;
    const idleShare = (machine.idle - before.machine.idle) / Math.max(1e-9, machine.total - before.machine.total);
    const cores = availableParallelism();
    return {
      serverUs,
      summary: `CPU per event: server ${serverUs.toFixed(0)} µs, PostgreSQL ${postgresUs.toFixed(0)} µs, load generator ${generatorUs.toFixed(0)} µs; ${totalUs.toFixed(0)} µs in all caps ${cores} cores at ${Math.round((cores * 1e6) / totalUs).toLocaleString('en-US')}/s; machine idle ${(idleShare * 100).toFixed(0)} %`,
    };
  };
}
