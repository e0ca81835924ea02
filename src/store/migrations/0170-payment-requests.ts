import { sql, type Kysely } from 'kysely';

/**
 * Payment requests (SPEC C7, flow F10): one payment a waiting flow follows by webhook or long-poll,
 * and the payments that arrived for it (one per payment intent, so a second one is seen as such).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('payment_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('payment_link', 'payment_intent')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'expired')`),
    )
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('description', 'text')
    .addColumn('customer', 'jsonb')
    .addColumn('flow_id', 'text')
    .addColumn('return_url', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('checkout_session_id', 'text')
    .addColumn('url', 'text')
    .addColumn('payment_intent_id', 'text')
    .addColumn('charge_id', 'text')
    .addColumn('failure', 'text')
    .addColumn('failed_attempt_id', 'text')
    .addColumn('overpaid', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('stalled_at', 'timestamptz')
    // Milliseconds, the precision list cursors carry (see millisecond-timestamps.ts).
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // A repeated create with the same key returns the request made the first time.
  await sql`create unique index payment_requests_idempotency_key on payment_requests (tenant_id, idempotency_key) where idempotency_key is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('payment_requests_tenant_list_idx')
    .on('payment_requests')
    .columns(['tenant_id', 'created_at', 'id'])
    .execute();
  // Refunds (issue 17) find the request by its payment intent.
  await db.schema.createIndex('payment_requests_payment_intent_idx').on('payment_requests').column('payment_intent_id').execute();
  // The stall check reads only requests still waiting and not yet reported.
  await sql`create index payment_requests_waiting_idx on payment_requests (created_at) where stalled_at is null and status in ('pending', 'requires_action', 'processing', 'failed')`.execute(
    db,
  );

  await db.schema
    .createTable('payment_request_payments')
    .addColumn('request_id', 'text', (c) => c.notNull().references('payment_requests.id').onDelete('cascade'))
    .addColumn('payment_intent_id', 'text', (c) => c.notNull())
    .addColumn('charge_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_request_payments_pkey', ['request_id', 'payment_intent_id'])
    .execute();
}
