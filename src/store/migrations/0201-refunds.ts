import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Refunds, each linked to the payment it returns money from (found through the refund's Paybridge
 * metadata, or its payment intent for refunds made in Stripe's dashboard). Payments keep the sum
 * refunded so far; invoices keep theirs and may now be `refunded`.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('stripe_refund_id', 'text', (c) => c.notNull())
    .addColumn('charge_id', 'text')
    .addColumn('payment_intent_id', 'text')
    .addColumn('payable_type', 'text', (c) => c.notNull())
    .addColumn('payable_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('paybridge', 'stripe')`))
    .addColumn('stripe_created', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('refunds_stripe_id', ['connection_id', 'stripe_refund_id'])
    .execute();
  await db.schema.createIndex('refunds_payable').on('refunds').columns(['tenant_id', 'payable_type', 'payable_id']).execute();
  await db.schema
    .alterTable('payments')
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // Dashboard refunds are matched to their payment by payment intent.
  await db.schema.createIndex('payments_provider_payment').on('payments').columns(['connection_id', 'provider_payment_id']).execute();
  await db.schema
    .alterTable('invoices')
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table invoices drop constraint invoices_status_check`.execute(db);
  await sql`alter table invoices add constraint invoices_status_check check (status in ('draft', 'open', 'paid', 'void', 'refunded'))`.execute(
    db,
  );
}
