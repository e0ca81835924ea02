import { sql } from 'kysely';
import type { Db } from './database';

/**
 * The monthly partitions of the tables that grow with traffic (migration 0230). Each holds one UTC
 * month, named `<table>_pYYYYMM`; `<table>_default` takes any row whose month has no partition yet,
 * so an insert never fails for a missing partition. The maintenance round (src/webhooks/event-retention.ts)
 * creates the coming months ahead, moves stray rows out of the default partition, and drops months
 * older than the retention.
 */
export const PARTITIONED_TABLES = [
  { table: 'events', column: 'received_at' },
  { table: 'event_attempts', column: 'started_at' },
] as const;

type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** First instant (UTC) of the month `offset` months after the one holding `at`. */
function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

function partitionName(table: string, month: Date): string {
  return `${table}_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month partitions attached to `table`, oldest first (the default partition is not listed). */
export async function listMonthPartitions(db: Db, table: string): Promise<{ name: string; from: Date; to: Date }[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass(${table})`.execute(db);
  return result.rows
    .map(({ name }) => ({ name, match: new RegExp(`^${table}_p(\\d{4})(\\d{2})$`).exec(name) }))
    .filter((row): row is { name: string; match: RegExpExecArray } => row.match !== null)
    .map(({ name, match }) => {
      const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
      return { name, from, to: monthStart(from, 1) };
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Creates the partitions of the month holding `now` and the `monthsAhead` after it, and of every
 * month that has rows in the default partition (an insert that came before its partition). Returns
 * the names created.
 */
export async function ensureMonthPartitions(db: Db, now: Date, monthsAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (const spec of PARTITIONED_TABLES) {
    const existing = new Set((await listMonthPartitions(db, spec.table)).map((p) => p.name));
    const stray = await sql<{ month: Date }>`
      select distinct date_trunc('month', ${sql.ref(spec.column)}, 'UTC') as month
      from ${sql.table(`${spec.table}_default`)}`.execute(db);
    const months = [
      ...Array.from({ length: monthsAhead + 1 }, (_, i) => monthStart(now, i)),
      ...stray.rows.map((r) => monthStart(new Date(r.month))),
    ];
    for (const month of months) {
      const name = partitionName(spec.table, month);
      if (existing.has(name)) continue;
      await createMonthPartition(db, spec, month, name);
      existing.add(name);
      created.push(name);
    }
  }
  return created;
}

/**
 * One month's partition, without blocking inserts: the table is created on its own and attached,
 * which locks the parent only against other schema changes (CREATE … PARTITION OF would lock out
 * inserts). Rows of that month already in the default partition move into it in the same
 * transaction, since the attach refuses a default partition holding rows of the new range.
 */
async function createMonthPartition(db: Db, spec: PartitionedTable, month: Date, name: string): Promise<void> {
  const from = month.toISOString();
  const to = monthStart(month, 1).toISOString();
  // Literals, not parameters: the same condition serves the DDL below, which takes none.
  const range = sql`${sql.ref(spec.column)} >= ${sql.lit(from)}::timestamptz and ${sql.ref(spec.column)} < ${sql.lit(to)}::timestamptz`;
  await db.transaction().execute(async (trx) => {
    await sql`create table ${sql.table(name)} (like ${sql.table(spec.table)} including defaults including compression)`.execute(trx);
    await sql`
      with moved as (delete from ${sql.table(`${spec.table}_default`)} where ${range} returning *)
      insert into ${sql.table(name)} select * from moved`.execute(trx);
    // The check lets the attach skip scanning the new partition; the bound replaces it afterwards.
    await sql`alter table ${sql.table(name)} add constraint ${sql.ref(`${name}_range`)} check (${range})`.execute(trx);
    await sql`alter table ${sql.table(spec.table)} attach partition ${sql.table(name)} for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
      trx,
    );
    await sql`alter table ${sql.table(name)} drop constraint ${sql.ref(`${name}_range`)}`.execute(trx);
  });
}

export interface RetentionResult {
  dropped: string[];
  /** Expired months of `events` still holding events to process (or paused): kept, never lost. */
  kept: { name: string; pending: number }[];
}

/**
 * Drops every month partition that ended before `cutoff`. A month of `events` that still holds
 * events the worker has to process (received, failed, paused) is kept and reported instead: retention
 * removes history, never work. Attempts are history only.
 */
export async function dropMonthPartitionsBefore(db: Db, cutoff: Date): Promise<RetentionResult> {
  const result: RetentionResult = { dropped: [], kept: [] };
  for (const spec of PARTITIONED_TABLES) {
    for (const partition of await listMonthPartitions(db, spec.table)) {
      if (partition.to.getTime() > cutoff.getTime()) continue;
      if (spec.table === 'events') {
        const pending = await sql<{ count: string }>`
          select count(*) as count from ${sql.table(partition.name)} where status in ('received', 'failed', 'paused')`.execute(db);
        const count = Number(pending.rows[0]?.count ?? 0);
        if (count > 0) {
          result.kept.push({ name: partition.name, pending: count });
          continue;
        }
      }
      await sql`drop table ${sql.table(partition.name)}`.execute(db);
      result.dropped.push(partition.name);
    }
  }
  return result;
}

/**
 * Deletes dedupe keys received before `cutoff`, in batches so no statement holds many locks or a long
 * transaction, but never the key of an event still stored (a month kept for its pending work): so
 * `events` never holds one delivery twice. The probe carries `received_at`, so it reads one partition.
 */
export async function pruneEventKeys(db: Db, cutoff: Date, batchSize = 10_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from event_keys where ctid in (
        select k.ctid from event_keys k
        where k.received_at < ${cutoff}
          and not exists (select 1 from events e where e.id = k.event_id and e.received_at = k.received_at)
        limit ${batchSize})`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
