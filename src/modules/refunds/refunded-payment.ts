import type { PayableRef } from '../../domain/paybridge-metadata';
import type { Db } from '../../store/database';
import {
  findPaymentByIntent,
  findRequestPaymentByIntent,
  lockPayment,
  lockRequestPayment,
  recountPaymentRefunds,
  recountRequestPaymentRefunds,
} from '../../store/refunds';

/**
 * The payment a refund returns money from, whichever payable it paid: an invoice payment (its own
 * row id) or a payment request's payment (keyed by request and payment intent). One shape, so the
 * refund path is the same for both payables.
 */
export interface RefundedPayment {
  payable: PayableRef;
  /** The invoice payment's id, or the payment intent for a payment request's payment. */
  id: string;
  /** Set for invoice payments only (the `refunds.payment_id` column points at `payments`). */
  invoicePaymentId: string | null;
  paymentIntentId: string;
  amount: number;
  refundedAmount: number;
  currency: string;
}

/** The payable types whose payments can be refunded through Paybridge. */
export const REFUNDABLE_PAYABLES = ['invoice', 'payment_request'] as const;

/**
 * Finds the payment a payment intent made for this tenant: for the payable named in the refund's
 * metadata when there is one, else any invoice or payment request of the tenant (a refund made in
 * Stripe's dashboard carries no metadata).
 */
export async function findRefundedPayment(
  db: Db,
  owner: { tenantId: string; connectionId: string },
  paymentIntentId: string,
  stamped: PayableRef | undefined,
): Promise<RefundedPayment | undefined> {
  if (!stamped || stamped.type === 'invoice') {
    const payment = await findPaymentByIntent(db, owner.connectionId, paymentIntentId);
    if (payment && payment.tenant_id === owner.tenantId && (!stamped || payment.invoice_id === stamped.id)) {
      return {
        payable: { type: 'invoice', id: payment.invoice_id },
        id: payment.id,
        invoicePaymentId: payment.id,
        paymentIntentId,
        amount: Number(payment.amount),
        refundedAmount: Number(payment.refunded_amount),
        currency: payment.currency,
      };
    }
  }
  if (!stamped || stamped.type === 'payment_request') {
    const payment = await findRequestPaymentByIntent(db, owner.connectionId, paymentIntentId, stamped?.id);
    if (payment && payment.tenant_id === owner.tenantId) return fromRequestPayment(payment);
  }
  return undefined;
}

export function fromRequestPayment(payment: {
  request_id: string;
  payment_intent_id: string;
  amount: number | string;
  refunded_amount: number | string;
  currency: string;
}): RefundedPayment {
  return {
    payable: { type: 'payment_request', id: payment.request_id },
    id: payment.payment_intent_id,
    invoicePaymentId: null,
    paymentIntentId: payment.payment_intent_id,
    amount: Number(payment.amount),
    refundedAmount: Number(payment.refunded_amount),
    currency: payment.currency.toUpperCase(),
  };
}

/** Locks the payment until commit: two refunds of one payment recount one after the other. */
export async function lockRefundedPayment(db: Db, payment: RefundedPayment): Promise<void> {
  if (payment.invoicePaymentId) await lockPayment(db, payment.invoicePaymentId);
  else await lockRequestPayment(db, payment.payable.id, payment.paymentIntentId);
}

/** Sets the payment's `refunded_amount` (and the request's total) from its counted refunds. */
export async function recountRefundedPayment(db: Db, payment: RefundedPayment): Promise<RefundedPayment> {
  if (payment.invoicePaymentId) {
    const row = await recountPaymentRefunds(db, payment.invoicePaymentId);
    return { ...payment, refundedAmount: Number(row.refunded_amount) };
  }
  const row = await recountRequestPaymentRefunds(db, payment.payable.id, payment.paymentIntentId);
  return { ...payment, refundedAmount: Number(row.refunded_amount) };
}
