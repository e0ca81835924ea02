import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * `events` and `event_attempts`, the two tables that grow with every delivery, become range
 * partitioned by month (on `received_at` and `started_at`), so retention drops a month's partition
 * instead of deleting rows, and the per-partition indexes stay the size of a month whatever the history.
 *
 * A unique index on a partitioned table must include the partition key, so `events` can no longer
 * hold the dedupe. It moves to `event_keys`, one narrow row per (tenant, connection, Stripe event
 * id), a plain table whose primary key refuses a second delivery whatever month the first one was
 * stored in. The ingest inserts the key and the event in one statement (src/store/events.ts).
 *
 * The conversion copies the rows once, inside the migration's transaction, with both tables locked:
 * a partitioned table cannot adopt a plain one in place with different keys, and a copy keeps the
 * migration one atomic step (readers see the old tables or the new ones). It costs about what 0040's
 * rewrite cost. This file keeps its own SQL rather than calling the maintenance code, so later changes
 * there cannot change what this migration did.
 */
export async function up(db: Db): Promise<void> {
  await sql`lock table events, event_attempts in access exclusive mode`.execute(db);

  await convert(db, 'events', 'received_at');
  await convert(db, 'event_attempts', 'started_at');

  await sql`
    create table event_keys (
      tenant_id text not null,
      connection_id text not null,
      stripe_event_id text not null,
      event_id text not null,
      received_at timestamptz(3) not null,
      constraint event_keys_pkey primary key (tenant_id, connection_id, stripe_event_id)
    )`.execute(db);
  // BRIN: keys arrive in received_at order, so pruning by age finds its blocks for almost no write cost.
  await sql`create index event_keys_received_brin on event_keys using brin (received_at)`.execute(db);
  await sql`
    insert into event_keys (tenant_id, connection_id, stripe_event_id, event_id, received_at)
    select tenant_id, connection_id, stripe_event_id, id, received_at from events_partitioned`.execute(db);

  await sql`drop table event_attempts`.execute(db);
  await sql`drop table events`.execute(db);
  await sql`alter table events_partitioned rename to events`.execute(db);
  await sql`alter table event_attempts_partitioned rename to event_attempts`.execute(db);

  // Indexes after the copy: one build per partition instead of one insert per row and index.
  await sql`alter table events add constraint events_pkey primary key (id, received_at)`.execute(db);
  await sql`alter table events add constraint events_connection_id_fkey foreign key (connection_id) references connections (id)`.execute(
    db,
  );
  await sql`create index events_queue_idx on events (next_attempt_at) where status in ('received', 'failed')`.execute(db);
  await sql`create index events_paused_idx on events (connection_id) where status = 'paused'`.execute(db);
  await sql`create index events_tenant_log_idx on events (tenant_id, received_at, id)`.execute(db);
  await sql`create index events_connection_created_idx on events (connection_id, stripe_created)`.execute(db);
  await sql`create index events_object_idx on events (connection_id, object_id)`.execute(db);
  await sql`alter table event_attempts alter column tenant_id set not null`.execute(db);
  await sql`alter table event_attempts add constraint event_attempts_pkey primary key (tenant_id, id, started_at)`.execute(db);
  await sql`create index event_attempts_event_idx on event_attempts (event_id)`.execute(db);
}

/**
 * Creates `<table>_partitioned` with the same columns (defaults and lz4 compression included; attempts
 * also get `tenant_id`), one
 * partition per month that holds rows, the current month and the next two, a default partition for
 * anything else, and copies the rows.
 */
async function convert(db: Db, table: 'events' | 'event_attempts', column: 'received_at' | 'started_at'): Promise<void> {
  const target = `${table}_partitioned`;
  await sql`create table ${sql.table(target)} (like ${sql.table(table)} including defaults including compression) partition by range (${sql.ref(column)})`.execute(
    db,
  );
  const months = await sql<{ month: string }>`
    select to_char(m, 'YYYY-MM') as month from (
      select distinct date_trunc('month', ${sql.ref(column)} at time zone 'UTC') as m from ${sql.table(table)}
      union
      select date_trunc('month', now() at time zone 'UTC') + make_interval(months => n) from generate_series(0, 2) as n
    ) as months order by m`.execute(db);
  for (const { month } of months.rows) {
    const [year, monthNumber] = month.split('-').map(Number) as [number, number];
    const from = new Date(Date.UTC(year, monthNumber - 1, 1)).toISOString();
    const to = new Date(Date.UTC(year, monthNumber, 1)).toISOString();
    const name = `${table}_p${month.replace('-', '')}`;
    await sql`create table ${sql.table(name)} partition of ${sql.table(target)} for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
      db,
    );
  }
  await sql`create table ${sql.table(`${table}_default`)} partition of ${sql.table(target)} default`.execute(db);
  if (table === 'events') {
    await sql`insert into ${sql.table(target)} select * from events`.execute(db);
    return;
  }
  // Attempts gain their tenant (every table keys by tenant, SCALING.md), taken from their event.
  await sql`alter table ${sql.table(target)} add column tenant_id text`.execute(db);
  await sql`insert into ${sql.table(target)} select a.*, e.tenant_id from event_attempts a join events e on e.id = a.event_id`.execute(db);
}
