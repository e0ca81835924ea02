import { sql } from 'kysely';
import { newId } from '../ids';
import { JOB_RETRY, type JobCatalog, type JobKind } from '../jobs/catalog';
import type { Db } from './database';
import type { JobRow } from './invoices-schema';

/**
 * Enqueues a job, usually inside the transaction that decided it, so it exists exactly when that
 * decision committed. A `dedupeKey` makes enqueueing idempotent (a replayed event adds no second job).
 */
export async function enqueueJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobCatalog[K],
  options: { now: Date; dedupeKey?: string; runAt?: Date },
): Promise<boolean> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      id: newId('job'),
      kind,
      payload: JSON.stringify(payload),
      dedupe_key: options.dedupeKey ?? null,
      status: 'pending',
      max_attempts: JOB_RETRY[kind].maxAttempts,
      run_at: options.runAt ?? options.now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Claims due jobs with a lease; a crashed runner's jobs come back when the lease ends. */
export async function claimJobs(db: Db, options: { runnerId: string; now: Date; leaseMs: number; limit: number }): Promise<JobRow[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const result = await sql<JobRow>`
    update jobs set status = 'running', locked_by = ${options.runnerId}, locked_until = ${leaseUntil}, attempts = attempts + 1
    where id in (
      select id from jobs
      where run_at <= ${options.now}
        and (status = 'pending' or (status = 'running' and locked_until < ${options.now}))
      order by run_at, id
      limit ${options.limit}
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    attempts: Number(row.attempts),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
  }));
}

export async function finishJob(
  db: Db,
  job: JobRow,
  runnerId: string,
  outcome: { status: 'done' | 'dead' | 'pending'; error?: string; runAt?: Date; now: Date },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: outcome.status,
      last_error: outcome.error?.slice(0, 2000) ?? null,
      run_at: outcome.runAt ?? job.run_at,
      locked_by: null,
      locked_until: null,
      finished_at: outcome.status === 'pending' ? null : outcome.now,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', runnerId)
    .execute();
}

export async function findJobByKey(db: Db, dedupeKey: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}
