import { sql } from 'kysely';
import type { Db } from './database';
import type { InvoiceRow, PaymentRow } from './invoices-schema';
import type { RefundRow, RefundsTable } from './refunds-schema';
import type { Insertable } from 'kysely';

/** Statuses whose money has left (or is leaving) the merchant: they count toward `refunded_amount`. */
const COUNTED = ['pending', 'requires_action', 'succeeded'];

/** The refund row, locked until commit so two events on one refund apply one after the other. */
export async function lockRefund(db: Db, connectionId: string, stripeRefundId: string): Promise<RefundRow | undefined> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('stripe_refund_id', '=', stripeRefundId)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts a refund, or updates the one with this Stripe id; unique on (connection, Stripe id). */
export async function saveRefund(db: Db, values: Insertable<RefundsTable>): Promise<RefundRow> {
  const { id: _id, tenant_id: _tenant, connection_id: _connection, stripe_refund_id: _stripe, created_at: _created, ...changes } = values;
  return db
    .insertInto('refunds')
    .values(values)
    .onConflict((oc) => oc.columns(['connection_id', 'stripe_refund_id']).doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The invoice payment Stripe's payment intent paid (how a dashboard refund finds its payment). */
export async function findPaymentByIntent(db: Db, connectionId: string, paymentIntentId: string): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('provider_payment_id', '=', paymentIntentId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Locks the payment first: two refunds of one payment processed at once then recount one after
 * the other, and the second recount's statement sees the first one's committed refund.
 */
export async function lockPayment(db: Db, paymentId: string): Promise<void> {
  await db.selectFrom('payments').select('id').where('id', '=', paymentId).forUpdate().execute();
}

/** Sets the payment's `refunded_amount` to the sum of its counted refunds; returns the payment. */
export async function recountPaymentRefunds(db: Db, paymentId: string): Promise<PaymentRow> {
  return db
    .updateTable('payments')
    .set({
      refunded_amount: sql`(select coalesce(sum(amount), 0) from refunds where payment_id = ${paymentId} and status in (${sql.join(COUNTED)}))`,
    })
    .where('id', '=', paymentId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Sets the invoice's `amount_refunded` from its payments and moves it between `paid` and `refunded`
 * (a failed refund gives the money back, so a refunded invoice can be paid again). Other statuses
 * keep theirs: a refund of a payment on a void invoice does not make it paid.
 */
export async function recountInvoiceRefunds(db: Db, invoiceId: string, now: Date): Promise<{ before: InvoiceRow; after: InvoiceRow }> {
  const before = await db.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirstOrThrow();
  const totals = await db
    .selectFrom('payments')
    .select([sql<string>`coalesce(sum(amount), 0)`.as('paid'), sql<string>`coalesce(sum(refunded_amount), 0)`.as('refunded')])
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  const paid = Number(totals.paid);
  const refunded = Number(totals.refunded);
  let status = before.status;
  if (before.status === 'paid' && paid > 0 && refunded >= paid) status = 'refunded';
  else if (before.status === 'refunded' && refunded < paid) status = 'paid';
  const after = await db
    .updateTable('invoices')
    .set({ amount_refunded: refunded, status, updated_at: now })
    .where('id', '=', invoiceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}

export async function listPayableRefunds(db: Db, tenantId: string, payable: { type: string; id: string }): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('payable_type', '=', payable.type)
    .where('payable_id', '=', payable.id)
    .orderBy('stripe_created', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
