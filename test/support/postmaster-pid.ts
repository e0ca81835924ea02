import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pid in the embedded PostgreSQL's `postmaster.pid` under `dataDir` (line 1), or undefined when
 * there is none: stopped, or being replaced by PostgreSQL during a restart.
 */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}
