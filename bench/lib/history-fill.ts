import pg from 'pg';
import { openStore } from '../../src/store/database';
import { ensureMonthPartitions } from '../../src/store/event-partitions';

export interface HistoryFill {
  rows: number;
  months: number;
  seconds: number;
  /** Total size (heap, TOAST, indexes) of each table over all its partitions, in MB. */
  sizesMb: Record<'events' | 'event_keys' | 'event_attempts', number>;
}

const monthStart = (at: Date, offset = 0) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
const monthsBetween = (from: Date, to: Date) => (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();

/**
 * One month's history as the real path leaves it, in one statement: `rows` events received evenly
 * over [from, to), each with its dedupe key and one attempt record, already processed. Stripe ids are
 * spread over the key space (md5), as years of deliveries would be; the payload is the 3 KB delivery
 * the load sends, with each row's own id spliced in (so TOAST compresses it as it would a real one).
 */
const MONTH_STATEMENT = `
  with src as (
    select g, 'ev_hist' || lpad(g::text, 13, '0') as id, 'evt_1H' || substr(md5(g::text), 1, 20) as stripe_id,
           $1::timestamptz + (g - $3::bigint) * ($2::float8 * interval '1 millisecond') as at
    from generate_series($3::bigint, $4::bigint) as g
  ), e as (
    insert into events (id, connection_id, tenant_id, stripe_event_id, type, livemode, api_version, stripe_created,
                        object_id, object_type, payload, source, status, status_reason, attempts, next_attempt_at, received_at, processed_at)
    select id, $6, $5, stripe_id, 'checkout.session.completed', false, '2025-10-29.clover', extract(epoch from at)::bigint,
           'cs_hist' || (g % 200000), 'checkout.session', replace($7, $8, stripe_id), 'webhook', 'ignored', 'history', 1, at, at,
           at + interval '40 milliseconds'
    from src
  ), k as (
    insert into event_keys (tenant_id, connection_id, stripe_event_id, event_id, received_at)
    select $5, $6, stripe_id, id, at from src
  )
  insert into event_attempts (id, tenant_id, event_id, attempt, outcome, detail, started_at, finished_at)
  select 'at_hist' || lpad(g::text, 13, '0'), $5, id, 1, 'ignored', 'history', at + interval '10 milliseconds', at + interval '40 milliseconds'
  from src`;

/**
 * Fills a Paybridge database with `rows` historical events of one connection spread over the past
 * `months` months (up to an hour ago, so the current month holds its share), with the partitions the
 * hourly maintenance round would have created, then ANALYZE and CHECKPOINT so the load that follows
 * neither plans on empty-table statistics nor pays for the fill's dirty pages.
 */
export async function fillHistory(options: {
  databaseUrl: string;
  tenantId: string;
  connectionId: string;
  rows: number;
  months: number;
  /** A delivery body and the event id inside it, replaced per row. */
  payload: string;
  payloadId: string;
}): Promise<HistoryFill> {
  const now = new Date();
  const to = new Date(now.getTime() - 3_600_000);
  const from = monthStart(now, -options.months);
  const store = await openStore({ databaseUrl: options.databaseUrl, poolSize: 1 });
  try {
    await ensureMonthPartitions(store.db, from, monthsBetween(from, now) + 2);
  } finally {
    await store.close();
  }
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const stepMs = (to.getTime() - from.getTime()) / options.rows;
    let next = 0;
    for (let month = from; month < to && next < options.rows; month = monthStart(month, 1)) {
      const end = monthStart(month, 1) < to ? monthStart(month, 1) : to;
      // Rows whose time falls in this month: the same even spacing across the whole span.
      const last = Math.min(options.rows - 1, Math.ceil((end.getTime() - from.getTime()) / stepMs) - 1);
      if (last < next) continue;
      const first = new Date(from.getTime() + next * stepMs);
      await client.query(MONTH_STATEMENT, [
        first.toISOString(),
        stepMs,
        next,
        last,
        options.tenantId,
        options.connectionId,
        options.payload,
        options.payloadId,
      ]);
      next = last + 1;
    }
    const seconds = (performance.now() - started) / 1000;
    await client.query('analyze events, event_keys, event_attempts');
    await client.query('checkpoint');
    const sizes = await client.query<{ name: 'events' | 'event_keys' | 'event_attempts'; mb: number }>(
      // pg_partition_tree lists nothing for a plain table (event_keys): then the table's own size.
      `select t.name, (coalesce((select sum(pg_total_relation_size(p.relid)) from pg_partition_tree(t.name::regclass) p where p.isleaf),
                                pg_total_relation_size(t.name::regclass)) / 1048576.0)::float8 as mb
       from unnest(array['events', 'event_keys', 'event_attempts']) as t(name)`,
    );
    const sizesMb = Object.fromEntries(sizes.rows.map((row) => [row.name, row.mb])) as HistoryFill['sizesMb'];
    return { rows: next, months: monthsBetween(from, now) + 1, seconds, sizesMb };
  } finally {
    await client.end();
  }
}
