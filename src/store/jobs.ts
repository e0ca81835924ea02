import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { Logger, runMigrations } from 'graphile-worker';
import { JOB_RETRY, type JobCatalog, type JobKind } from '../jobs/catalog';
import type { Db, Store } from './database';

/**
 * The job queue is graphile-worker's (schema `graphile_worker`): this file is the only one that
 * speaks its SQL. Jobs are added with its `add_job` function on the caller's transaction, so a job
 * exists exactly when the decision that queued it commits, and add_job's NOTIFY wakes the runners
 * of every process at that commit.
 */

const quiet = new Logger(() => () => undefined);

/**
 * Installs or upgrades graphile-worker's schema on one connection of `db`'s pool, before Paybridge's
 * own migrations (0060 moves the old `jobs` rows into it), so web-only processes and the CLI can
 * enqueue before any worker ran. graphile-worker runs each of its migrations in its own transaction
 * on the client it is given; this hands it that one connection.
 */
export async function installJobQueueSchema(db: Db): Promise<void> {
  await db.connection().execute(async (connection) => {
    const client = {
      async query(query: string | { text: string; values?: unknown[] }, values?: unknown[]) {
        const text = typeof query === 'string' ? query : query.text;
        const parameters = (typeof query === 'string' ? values : query.values) ?? [];
        return connection.executeQuery(CompiledQuery.raw(text, parameters));
      },
      release: () => undefined,
      on: () => undefined,
      removeListener: () => undefined,
    };
    const pool = { connect: async () => client, on: () => undefined, removeListener: () => undefined, options: { max: 1 } };
    await runMigrations({ pgPool: pool as unknown as pg.Pool, logger: quiet });
  });
}

/** The connections of each job-queue pool, as promises that settle when each has closed. */
const connectionsOf = new WeakMap<pg.Pool, Set<Promise<void>>>();

/**
 * A pool of the runner's own: graphile-worker keeps one connection LISTENing and one per job in
 * flight, which must not wait behind API reads for `db`'s pool.
 */
export function openJobQueuePool(store: Pick<Store, 'connection'>, max: number): pg.Pool {
  const pool = new pg.Pool({ ...store.connection, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined);
  const open = new Set<Promise<void>>();
  pool.on('connect', (client) => {
    const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
    open.add(closed);
    void closed.then(() => open.delete(closed));
  });
  connectionsOf.set(pool, open);
  return pool;
}

/**
 * Ends a pool from openJobQueuePool and waits until each of its connections has closed. pool.end()
 * resolves once it has asked them to close; an embedded PostgreSQL stopped right after would end
 * the ones still closing with "terminating connection", which graphile-worker then logs as a
 * client error (seen once in CI, in the demo's Ctrl-C test).
 */
export async function closeJobQueuePool(pool: pg.Pool): Promise<void> {
  await pool.end();
  // Bounded: a server that never answers the goodbye must not hold the shutdown.
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
  await Promise.race([Promise.all(connectionsOf.get(pool) ?? []), bound]);
  clearTimeout(timer);
}

/**
 * Queues a job on `db` (usually the transaction that decided it). A `dedupeKey` becomes the job's
 * key in graphile-worker's `unsafe_dedupe` mode: while a job with that key exists (queued, running,
 * or failed for good) nothing is added or replaced. A completed job is deleted, so the same key
 * later queues a new one; handlers are idempotent for that reason. Returns whether a job was added.
 */
export async function enqueueJob<K extends JobKind>(
  db: Db,
  kind: K,
  payload: JobCatalog[K],
  options: { dedupeKey?: string; runAt?: Date } = {},
): Promise<boolean> {
  const result = await sql<{ revision: number }>`
    select (graphile_worker.add_job(
      ${kind}, ${JSON.stringify(payload)}::json,
      run_at => ${options.runAt ?? null}::timestamptz,
      max_attempts => ${JOB_RETRY[kind].maxAttempts}::int,
      job_key => ${options.dedupeKey ?? null}::text,
      job_key_mode => 'unsafe_dedupe'
    )).revision`.execute(db);
  // add_job bumps an existing job's revision instead of adding one.
  return result.rows[0]?.revision === 0;
}

/** A queued or failed job as graphile-worker keeps it; completed jobs are deleted. */
export interface QueuedJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked: boolean;
  last_error: string | null;
  key: string | null;
}

// The public `graphile_worker.jobs` view leaves the payload out; read the table behind it.
const queuedJobs = sql`(
  select jobs.id::text, tasks.identifier as kind, jobs.payload, jobs.attempts, jobs.max_attempts, jobs.run_at,
         jobs.locked_at is not null as locked, jobs.last_error, jobs.key
    from graphile_worker._private_jobs as jobs
    join graphile_worker._private_tasks as tasks on tasks.id = jobs.task_id
) as queued`;

/** The job holding `dedupeKey`, if one is still queued, running or failed for good. */
export async function findJobByKey(db: Db, dedupeKey: string): Promise<QueuedJob | undefined> {
  const result = await sql<QueuedJob>`select * from ${queuedJobs} where key = ${dedupeKey}`.execute(db);
  return result.rows[0];
}

/** Every job not completed yet, oldest first (tests and the CLI). */
export async function listQueuedJobs(db: Db): Promise<QueuedJob[]> {
  const result = await sql<QueuedJob>`select * from ${queuedJobs} order by id::bigint`.execute(db);
  return result.rows;
}

/**
 * Fails jobs for good (graphile-worker's `permanently_fail_jobs`: attempts = max_attempts, kept
 * with their error). It skips locked jobs, so the runner calls it once the failed attempt is recorded.
 */
export async function failJobsForGood(db: Db, jobIds: readonly string[], error: string): Promise<void> {
  if (jobIds.length === 0) return;
  await sql`select graphile_worker.permanently_fail_jobs(${[...jobIds]}::bigint[], ${error.slice(0, 2000)})`.execute(db);
}
