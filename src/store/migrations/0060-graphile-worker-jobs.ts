import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Jobs move to graphile-worker (its schema is installed just before Paybridge's migrations run, see
 * `installJobQueueSchema`). Jobs still queued or running in the old table are added to it, keeping
 * their kind, payload, due time, key and the attempts they have left, so an upgrade loses no queued
 * mail; then the old table goes. A job that was running when its runner stopped runs again, as the
 * old lease would have made it.
 */
export async function up(db: Db): Promise<void> {
  await sql`
    select graphile_worker.add_job(
      kind, payload::json,
      run_at => run_at,
      max_attempts => greatest(max_attempts - attempts, 1),
      job_key => dedupe_key,
      job_key_mode => 'unsafe_dedupe'
    )
    from jobs
    where status in ('pending', 'running')
    order by run_at, id`.execute(db);
  await db.schema.dropTable('jobs').execute();
}
