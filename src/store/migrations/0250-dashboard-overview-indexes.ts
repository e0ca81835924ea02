import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Small indexes for the dashboard overviews.
 * - Failed and dead events by tenant: the admin overview counts them for every tenant. Only those
 *   rows are indexed (normally a tiny share of the log), so the count never reads the whole events table.
 * - Invoice payments by tenant and currency, with the amount: revenue by currency is an index-only scan.
 * - Domain events by their causing Stripe event: the event log links each event to the invoice,
 *   subscription or payment request it changed, one lookup per page of events.
 */
export async function up(db: Db): Promise<void> {
  await sql`create index events_trouble_idx on events (tenant_id, status) where status in ('failed', 'dead')`.execute(db);
  await sql`create index payments_tenant_currency_idx on payments (tenant_id, currency) include (amount)`.execute(db);
  await sql`create index domain_events_cause_idx on domain_events (connection_id, stripe_event_id) where stripe_event_id is not null`.execute(
    db,
  );
}
