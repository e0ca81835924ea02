/** The first restart of a crashed web process waits this long; each crash in a row doubles it. */
const FIRST_RESTART_MS = 1_000;
/** Never wait longer than this between restarts: a database that comes back is used within it. */
const LONGEST_RESTART_MS = 30_000;
/** A process that served this long before it crashed starts a new series (its crash is not a loop). */
export const STABLE_AFTER_MS = 60_000;

/**
 * How long the cluster primary waits before replacing a web process that crashed for the
 * `crashesInARow`-th time (1 for the first): 1 s, 2 s, 4 s … up to 30 s, so a process that dies at
 * once (database down, disk full) is not restarted in a tight loop that burns the CPU the other
 * processes need.
 */
export function restartDelayMs(crashesInARow: number): number {
  const exponent = Math.max(0, Math.min(crashesInARow - 1, 16));
  return Math.min(LONGEST_RESTART_MS, FIRST_RESTART_MS * 2 ** exponent);
}
