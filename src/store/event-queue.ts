import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type { EventRow, EventStatus } from './schema';

/**
 * The events table as a work queue. A worker claims due events by setting a lease (`locked_by`,
 * `locked_until`) and bumping `attempts`; it completes them by writing their outcome, but only while
 * the lease is still its own. Any number of workers in any number of processes can share one
 * PostgreSQL: claims skip rows another claim holds, and a completion that finds its lease taken
 * writes nothing (the caller then rolls back the effects it wrote in the same transaction).
 */

/**
 * Runs a queue statement with bitmap scans off for the rest of its transaction (in a transaction of
 * its own if `db` is not one). Processed events leave dead entries in the partial queue index until
 * vacuum; a plain index scan marks each dead entry it meets so later scans skip it, a bitmap scan
 * never does and rereads every one of them (and their heap pages) on each claim. The planner picked
 * the bitmap scan, so claims cost more and more as a month filled between vacuums: at 1,000 events/s
 * the claim's scan read 18,809 index entries for one due event, and end-to-end latency climbed for as
 * long as the load lasted. With plain scans a repeated claim over the same dead entries took 0.12 ms
 * instead of 1.0 ms (EXPLAIN ANALYZE, 20,000 events, issue 19).
 */
async function withoutBitmapScans<T>(db: Db, statement: (db: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    await sql`set local enable_bitmapscan = off`.execute(db);
    return statement(db);
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    return statement(trx);
  });
}

/**
 * `id = any(array(…))`, not `id in (…)`: with `events` partitioned by month, PostgreSQL planned the
 * `in` form as a hash semi-join over a sequential scan of every partition, so each claim read the
 * whole month. The array form probes each partition's primary key with the claimed ids.
 */
export async function claimDueEvents(db: Db, claim: { workerId: string; now: Date; leaseUntil: Date; limit: number }): Promise<EventRow[]> {
  const result = await withoutBitmapScans(db, (db) =>
    sql<EventRow>`
    update events set locked_by = ${claim.workerId}, locked_until = ${claim.leaseUntil}, attempts = attempts + 1
    where id = any(array(
      select id from events
      where status in ('received', 'failed') and next_attempt_at <= ${claim.now}
        and (locked_until is null or locked_until < ${claim.now})
      order by next_attempt_at, stripe_created, id
      limit ${claim.limit}
      for update skip locked
    ))
    returning *`.execute(db),
  );
  // Oldest first, so in the common case effects are applied in Stripe's order.
  return result.rows
    .map((row) => ({ ...row, received_at: new Date(row.received_at), stripe_created: Number(row.stripe_created) }))
    .sort((a, b) => a.stripe_created - b.stripe_created || a.id.localeCompare(b.id));
}

export interface EventCompletion {
  eventId: string;
  status: EventStatus;
  /** Why it ended this way: kept as `status_reason`, or as `last_error` when it failed. */
  reason: string | null;
  /** When a failed event may be tried again; undefined keeps the current value. */
  nextAttemptAt?: Date;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Writes the outcomes of claimed events and one attempt-log row each, in one statement whatever the
 * count. Only events still leased to `workerId` and still to do are written; returns their ids, so
 * the caller can tell a lost lease (an id missing from the answer) and roll its transaction back.
 */
export async function completeEvents(db: Db, workerId: string, completions: readonly EventCompletion[]): Promise<Set<string>> {
  if (completions.length === 0) return new Set();
  const column = <T>(pick: (completion: EventCompletion) => T) => completions.map(pick);
  // The last statement of a processing transaction, so switching bitmap scans off there changes nothing else.
  const written = await withoutBitmapScans(db, (db) =>
    sql<{ event_id: string }>`
    with outcome as (
      select * from unnest(
        ${column((c) => c.eventId)}::text[], ${column((c) => c.status)}::text[], ${column((c) => c.reason)}::text[],
        ${column((c) => c.nextAttemptAt ?? null)}::timestamptz[], ${column((c) => c.startedAt)}::timestamptz[],
        ${column((c) => c.finishedAt)}::timestamptz[], ${column(() => newId('attempt'))}::text[]
      ) as o(event_id, status, reason, next_attempt_at, started_at, finished_at, attempt_id)
    ), completed as (
      update events e set
        status = o.status,
        status_reason = case when o.status in ('failed', 'dead') then null else o.reason end,
        last_error = case when o.status in ('failed', 'dead') then o.reason else e.last_error end,
        processed_at = case when o.status = 'failed' then null else o.finished_at end,
        next_attempt_at = coalesce(o.next_attempt_at, e.next_attempt_at),
        locked_by = null,
        locked_until = null
      from outcome o
      where e.id = o.event_id and e.locked_by = ${workerId} and e.status in ('received', 'failed')
      returning e.id, e.attempts, e.tenant_id
    )
    insert into event_attempts (id, tenant_id, event_id, attempt, outcome, detail, started_at, finished_at)
    select o.attempt_id, c.tenant_id, c.id, c.attempts, o.status, left(o.reason, 2000), o.started_at, o.finished_at
    from completed c join outcome o on o.event_id = c.id
    returning event_id`.execute(db),
  );
  return new Set(written.rows.map((row) => row.event_id));
}
