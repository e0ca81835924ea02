import type { Db } from './database';

/**
 * Claims the current round of a maintenance task for `holder`: true when the round was due (or the
 * task never ran) and this caller got it, false when another process already started this round.
 * One atomic statement, so of several processes ticking at once exactly one wins.
 *
 * The round is due again after 90 % of the interval, so a process whose timer fires a little early
 * next time does not skip a round that the others also skip.
 */
export async function claimMaintenanceRound(
  db: Db,
  round: { name: string; holder: string; now: Date; intervalMs: number },
): Promise<boolean> {
  const nextDueAt = new Date(round.now.getTime() + Math.floor(round.intervalMs * 0.9));
  const claimed = await db
    .insertInto('maintenance_rounds')
    .values({ name: round.name, holder: round.holder, started_at: round.now, next_due_at: nextDueAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder: round.holder, started_at: round.now, next_due_at: nextDueAt })
        .where('maintenance_rounds.next_due_at', '<=', round.now),
    )
    .returning('name')
    .executeTakeFirst();
  return claimed !== undefined;
}
