import { sql } from 'kysely';
import type { Db } from './database';
import type { ConnectionRow } from './schema';

export interface BackfillCursor {
  coveredUntil: Date | null;
  lastRunAt: Date | null;
}

export async function findBackfillCursor(db: Db, connectionId: string): Promise<BackfillCursor | undefined> {
  const row = await db
    .selectFrom('backfill_cursors')
    .select(['covered_until', 'last_run_at'])
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return row && { coveredUntil: row.covered_until, lastRunAt: row.last_run_at };
}

/**
 * Saves what a run did. `coveredUntil` moves the high-water mark only when the run proved it
 * (finished, and started at or before the previous mark); null keeps the mark where it was.
 */
export async function recordBackfillRun(
  db: Db,
  run: { connectionId: string; ranAt: Date; result: string; coveredUntil: Date | null },
): Promise<void> {
  const covered = run.coveredUntil ?? sql<Date | null>`backfill_cursors.covered_until`;
  await db
    .insertInto('backfill_cursors')
    .values({ connection_id: run.connectionId, last_run_at: run.ranAt, last_result: run.result, covered_until: run.coveredUntil })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ last_run_at: run.ranAt, last_result: run.result, covered_until: covered }))
    .execute();
}

/** Asks the backfill rounds to visit this connection now (after a repair, an enable, a new endpoint). */
export async function requestBackfill(db: Db, connectionId: string, now: Date): Promise<void> {
  await db
    .insertInto('backfill_cursors')
    .values({ connection_id: connectionId, next_due_at: now })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ next_due_at: now }))
    .execute();
}

/**
 * Makes every live connection due now (a worker's start: deliveries may have been missed while no
 * process was up). Connections without a cursor yet get one.
 */
export async function requestBackfillForAll(db: Db, now: Date): Promise<void> {
  await sql`
    insert into backfill_cursors (connection_id, next_due_at)
    select id, ${now} from connections where disconnected_at is null
    on conflict (connection_id) do update set next_due_at = excluded.next_due_at`.execute(db);
}

/** Gives connections created since the last round a cursor, due now, so the rounds see them. */
export async function addMissingBackfillCursors(db: Db, now: Date): Promise<void> {
  await sql`
    insert into backfill_cursors (connection_id, next_due_at)
    select c.id, ${now} from connections c
    where c.disconnected_at is null and not exists (select 1 from backfill_cursors b where b.connection_id = c.id)
    on conflict (connection_id) do nothing`.execute(db);
}

/**
 * Claims up to `limit` active connections whose backfill is due, oldest due first, by moving their
 * next slot to `nextDueAt`. SKIP LOCKED and the moved slot let any number of processes (and loops
 * within one) claim side by side without visiting a connection twice in one interval.
 */
export async function claimDueBackfills(db: Db, claim: { now: Date; nextDueAt: Date; limit: number }): Promise<ConnectionRow[]> {
  const claimed = await sql<{ connection_id: string }>`
    update backfill_cursors set next_due_at = ${claim.nextDueAt}
    where connection_id in (
      select b.connection_id from backfill_cursors b
      join connections c on c.id = b.connection_id
      where b.next_due_at <= ${claim.now} and c.disconnected_at is null and c.is_active
      order by b.next_due_at, b.connection_id
      limit ${claim.limit}
      for update of b skip locked
    )
    returning connection_id`.execute(db);
  if (claimed.rows.length === 0) return [];
  return db
    .selectFrom('connections')
    .selectAll()
    .where(
      'id',
      'in',
      claimed.rows.map((row) => row.connection_id),
    )
    .execute();
}
