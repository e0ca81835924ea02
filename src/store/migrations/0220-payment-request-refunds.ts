import type { Db } from '../database';

/**
 * Refunds of payment requests (issue 17): each payment of a request keeps the sum refunded from it,
 * the request the total, like invoice payments and invoices. Refunds made in Stripe's dashboard find
 * the request's payment through their payment intent.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('payment_request_payments')
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('payment_request_payments_intent').on('payment_request_payments').column('payment_intent_id').execute();
  await db.schema
    .alterTable('payment_requests')
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
