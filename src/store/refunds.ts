import { sql } from 'kysely';
import type { Db } from './database';
import type { InvoiceRow, PaymentRow } from './invoices-schema';
import type { PaymentRequestPaymentRow } from './payment-requests-schema';
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

/** A payment request's payment, with the request's tenant and connection (payments of requests keep neither). */
export type RequestPaymentWithOwner = PaymentRequestPaymentRow & { tenant_id: string; connection_id: string };

/** The payment request payment a payment intent made on this connection (how a dashboard refund finds it). */
export async function findRequestPaymentByIntent(
  db: Db,
  connectionId: string,
  paymentIntentId: string,
  requestId?: string,
): Promise<RequestPaymentWithOwner | undefined> {
  let query = db
    .selectFrom('payment_request_payments as p')
    .innerJoin('payment_requests as r', 'r.id', 'p.request_id')
    .selectAll('p')
    .select(['r.tenant_id', 'r.connection_id'])
    .where('r.connection_id', '=', connectionId)
    .where('p.payment_intent_id', '=', paymentIntentId);
  if (requestId) query = query.where('p.request_id', '=', requestId);
  return query.orderBy('p.paid_at').limit(1).executeTakeFirst();
}

/** Locks a request's payment row until commit, as `lockPayment` does for invoice payments. */
export async function lockRequestPayment(db: Db, requestId: string, paymentIntentId: string): Promise<void> {
  await db
    .selectFrom('payment_request_payments')
    .select('request_id')
    .where('request_id', '=', requestId)
    .where('payment_intent_id', '=', paymentIntentId)
    .forUpdate()
    .execute();
}

/** Sets the request payment's `refunded_amount` from its counted refunds, then the request's total. */
export async function recountRequestPaymentRefunds(db: Db, requestId: string, paymentIntentId: string): Promise<PaymentRequestPaymentRow> {
  const payment = await db
    .updateTable('payment_request_payments')
    .set({
      refunded_amount: sql`(select coalesce(sum(amount), 0) from refunds where payable_type = 'payment_request' and payable_id = ${requestId}
        and payment_intent_id = ${paymentIntentId} and status in (${sql.join(COUNTED)}))`,
    })
    .where('request_id', '=', requestId)
    .where('payment_intent_id', '=', paymentIntentId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .updateTable('payment_requests')
    .set({
      amount_refunded: sql`(select coalesce(sum(refunded_amount), 0) from payment_request_payments where request_id = ${requestId})`,
    })
    .where('id', '=', requestId)
    .execute();
  return payment;
}
