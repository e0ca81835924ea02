import { sql } from 'kysely';
import type { Db } from './database';

/** One bar of an activity chart: events received in the bucket, by what became of them. */
export interface ActivityBucket {
  start: Date;
  received: number;
  processed: number;
  failed: number;
}

/**
 * Events received per hour or day since `since`, counted by their status now: `processed` (processed
 * or ignored: done), `failed` (failed or dead). One statement over the (tenant_id, received_at) index;
 * buckets with no event are absent (the service fills them).
 */
export async function eventActivity(db: Db, tenantId: string, unit: 'hour' | 'day', since: Date): Promise<ActivityBucket[]> {
  const result = await sql<{ bucket: Date; received: string | number; processed: string | number; failed: string | number }>`
    select date_trunc(${unit}, received_at at time zone 'UTC') at time zone 'UTC' as bucket,
           count(*) as received,
           count(*) filter (where status in ('processed', 'ignored')) as processed,
           count(*) filter (where status in ('failed', 'dead')) as failed
    from events
    where tenant_id = ${tenantId} and received_at >= ${since}
    group by 1
    order by 1`.execute(db);
  return result.rows.map((row) => ({
    start: new Date(row.bucket),
    received: Number(row.received),
    processed: Number(row.processed),
    failed: Number(row.failed),
  }));
}

/** Money paid through Paybridge (invoice payments and payment-request payments), by currency, in minor units. */
export async function revenueByCurrency(db: Db, tenantId: string): Promise<{ currency: string; amount: bigint; payments: number }[]> {
  const result = await sql<{ currency: string; amount: string; payments: string | number }>`
    select currency, sum(amount)::text as amount, sum(payments) as payments from (
      select upper(currency) as currency, sum(amount) as amount, count(*) as payments from payments where tenant_id = ${tenantId} group by 1
      union all
      select upper(p.currency), sum(p.amount), count(*)
      from payment_request_payments p join payment_requests r on r.id = p.request_id
      where r.tenant_id = ${tenantId} group by 1
    ) as paid
    group by currency
    order by currency`.execute(db);
  return result.rows.map((row) => ({ currency: row.currency, amount: BigInt(row.amount), payments: Number(row.payments) }));
}

/** Outbound endpoints that are failing now (consecutive failures) or were disabled for failing. */
export async function listFailingEndpoints(db: Db, tenantId: string, limit: number) {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'status', 'consecutive_failures', 'failing_since', 'disabled_reason'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('consecutive_failures', '>', 0), eb('status', '=', 'disabled')]))
    .orderBy('failing_since', 'asc')
    .limit(limit)
    .execute();
}

/** What the admin overview shows for one tenant: only tenants with something to look at are returned. */
export interface TenantTrouble {
  tenant_id: string;
  tenant_name: string;
  needs_attention: number;
  failed: number;
  dead: number;
  rejected: number;
}

/**
 * Per tenant: connections needing attention (active, enabled, with status reasons), failed and dead
 * events (through the partial events_trouble_idx) and rejected deliveries (the rejection counters).
 * One statement; tenants with nothing to report are left out.
 */
export async function tenantTrouble(db: Db, limit: number): Promise<TenantTrouble[]> {
  const result = await sql<TenantTrouble>`
    with attention as (
      select tenant_id, count(*) as n from connections
      where disconnected_at is null and is_active and jsonb_array_length(status_reasons::jsonb) > 0
      group by tenant_id
    ), trouble as (
      select tenant_id, count(*) filter (where status = 'failed') as failed, count(*) filter (where status = 'dead') as dead
      from events where status in ('failed', 'dead') group by tenant_id
    ), rejected as (
      select c.tenant_id, sum(r.count) as n from webhook_rejection_counts r join connections c on c.id = r.connection_id group by c.tenant_id
    )
    select t.id as tenant_id, t.name as tenant_name,
           coalesce(a.n, 0)::int as needs_attention, coalesce(e.failed, 0)::int as failed,
           coalesce(e.dead, 0)::int as dead, coalesce(r.n, 0)::int as rejected
    from tenants t
    left join attention a on a.tenant_id = t.id
    left join trouble e on e.tenant_id = t.id
    left join rejected r on r.tenant_id = t.id
    where a.n is not null or e.tenant_id is not null or r.n is not null
    order by coalesce(a.n, 0) + coalesce(e.dead, 0) desc, coalesce(e.failed, 0) + coalesce(r.n, 0) desc, t.name
    limit ${limit}`.execute(db);
  return result.rows;
}
