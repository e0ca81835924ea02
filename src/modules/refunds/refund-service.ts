import { z } from '@hono/zod-openapi';
import { stripeFor } from '../../billing/payment-link';
import { requireInvoice } from '../../billing/invoice-service';
import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import { payableMetadata, type PayableRef } from '../../domain/paybridge-metadata';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, invalidField, notFound } from '../../errors';
import { formatMinorUnits } from '../../money';
import { listInvoicePayments } from '../../store/invoices';
import { findTenantPaymentRequest, listRequestPayments } from '../../store/payment-requests';
import { listPayableRefunds, lockRefund } from '../../store/refunds';
import { fromStripeError } from '../../stripe/stripe-errors';
import { applyRefund } from './apply-refund';
import { toRefundView, type RefundView } from './refund-view';
import { fromRequestPayment, type RefundedPayment } from './refunded-payment';

export const createRefundInput = z
  .object({
    amount: z
      .number({ message: 'amount must be an integer number of minor units (cents), e.g. 500 for 5.00' })
      .int('amount must be an integer number of minor units (cents), e.g. 500 for 5.00')
      .positive('amount must be at least 1 minor unit; omit it to refund everything not yet refunded')
      .optional(),
    reason: z
      .enum(['duplicate', 'fraudulent', 'requested_by_customer'], {
        message: 'reason must be duplicate, fraudulent or requested_by_customer',
      })
      .optional(),
  })
  .strict()
  .openapi('CreateRefund');

export type CreateRefundInput = z.infer<typeof createRefundInput>;

/** What a refund needs to know about its payable: whose it is, where it was paid, and its payments. */
interface Refundable {
  payable: PayableRef;
  connectionId: string;
  payments: RefundedPayment[];
  /** How much was refunded already, as the payable shows it (for the "nothing left" message). */
  refunded: string;
}

const notPaid = (code: string, noun: string, id: string, status: string) =>
  new AppError({
    code,
    status: 409,
    message: `${noun[0]!.toUpperCase()}${noun.slice(1)} ${id} is ${status}; only a paid ${noun} can be refunded.`,
  });

async function refundableInvoice(ctx: AppContext, tenantId: string, invoiceId: string): Promise<Refundable> {
  const invoice = await requireInvoice(ctx, tenantId, invoiceId);
  if (invoice.status !== 'paid' && invoice.status !== 'refunded') throw notPaid('invoice_not_paid', 'invoice', invoiceId, invoice.status);
  const payments = (await listInvoicePayments(ctx.store.db, invoice.id))
    .filter((p) => p.provider_payment_id.startsWith('pi_'))
    .map((p) => ({
      payable: { type: 'invoice', id: invoice.id },
      id: p.id,
      invoicePaymentId: p.id,
      paymentIntentId: p.provider_payment_id,
      amount: Number(p.amount),
      refundedAmount: Number(p.refunded_amount),
      currency: p.currency,
    }));
  return {
    payable: { type: 'invoice', id: invoice.id },
    connectionId: invoice.connection_id,
    payments,
    refunded: `amount_refunded ${formatMinorUnits(BigInt(invoice.amount_refunded), invoice.currency)} ${invoice.currency}`,
  };
}

async function refundablePaymentRequest(ctx: AppContext, tenantId: string, requestId: string): Promise<Refundable> {
  const request = await findTenantPaymentRequest(ctx.store.db, tenantId, requestId);
  if (!request) throw notFound('payment request', requestId);
  const payments = (await listRequestPayments(ctx.store.db, request.id)).map(fromRequestPayment);
  // An overpaid request may have a payment while canceled or expired: that payment is refundable too.
  if (payments.length === 0) throw notPaid('payment_request_not_paid', 'payment request', requestId, request.status);
  const currency = request.currency.toUpperCase();
  return {
    payable: { type: 'payment_request', id: request.id },
    connectionId: request.connection_id,
    payments,
    refunded: `amount_refunded ${formatMinorUnits(BigInt(request.amount_refunded), currency)} ${currency}`,
  };
}

/**
 * Refunds a paid payable (all that is left of its first payment with money left, by default)
 * through Stripe, stamped with Paybridge's metadata so the `refund.*` events find it. The
 * Idempotency-Key is derived from the payment, what was refunded before and the amount, so a
 * retried request returns the same Stripe refund instead of refunding twice. Stripe's answer is
 * recorded at once; the events later change nothing more.
 */
async function createRefund(ctx: AppContext, tenantId: string, refundable: Refundable, input: CreateRefundInput): Promise<RefundView> {
  const { payable } = refundable;
  const payment = refundable.payments.find((p) => p.amount - p.refundedAmount > 0);
  if (!payment) {
    throw new AppError({
      code: 'nothing_to_refund',
      status: 409,
      message: `${payable.type === 'invoice' ? 'Invoice' : 'Payment request'} ${payable.id} has nothing left to refund (${refundable.refunded}).`,
    });
  }
  const left = payment.amount - payment.refundedAmount;
  const amount = input.amount ?? left;
  if (amount > left) {
    throw invalidField(
      'amount',
      'amount_too_large',
      `amount ${amount} is more than the ${left} minor units (${formatMinorUnits(BigInt(left), payment.currency)} ${payment.currency}) left to refund on payment ${payment.id}; send at most ${left}, or omit amount.`,
    );
  }
  const connection = await requireConnection(ctx, tenantId, refundable.connectionId);
  let refund;
  try {
    refund = await stripeFor(ctx, connection).refunds.create(
      {
        payment_intent: payment.paymentIntentId,
        amount,
        ...(input.reason ? { reason: input.reason } : {}),
        metadata: { ...payableMetadata(tenantId, payable), paybridge_payment_id: payment.id },
      },
      { idempotencyKey: `paybridge-refund-${payment.id}-${payment.refundedAmount}-${amount}` },
    );
  } catch (error) {
    throw fromStripeError(error, `refunding ${amount} of payment ${payment.paymentIntentId}`);
  }
  const owner = { tenantId, connectionId: connection.id };
  const object = JSON.parse(JSON.stringify(refund)) as Record<string, unknown>;
  return inUnitOfWork(ctx, async (effects) => {
    await applyRefund(effects, owner, object);
    const row = await lockRefund(effects.trx, connection.id, refund.id);
    return toRefundView(row!);
  });
}

export async function createInvoiceRefund(
  ctx: AppContext,
  tenantId: string,
  invoiceId: string,
  input: CreateRefundInput,
): Promise<RefundView> {
  return createRefund(ctx, tenantId, await refundableInvoice(ctx, tenantId, invoiceId), input);
}

export async function createPaymentRequestRefund(
  ctx: AppContext,
  tenantId: string,
  requestId: string,
  input: CreateRefundInput,
): Promise<RefundView> {
  return createRefund(ctx, tenantId, await refundablePaymentRequest(ctx, tenantId, requestId), input);
}

export async function listInvoiceRefunds(ctx: AppContext, tenantId: string, invoiceId: string): Promise<RefundView[]> {
  const invoice = await requireInvoice(ctx, tenantId, invoiceId);
  return (await listPayableRefunds(ctx.store.db, tenantId, { type: 'invoice', id: invoice.id })).map(toRefundView);
}

export async function listPaymentRequestRefunds(ctx: AppContext, tenantId: string, requestId: string): Promise<RefundView[]> {
  const request = await findTenantPaymentRequest(ctx.store.db, tenantId, requestId);
  if (!request) throw notFound('payment request', requestId);
  return (await listPayableRefunds(ctx.store.db, tenantId, { type: 'payment_request', id: request.id })).map(toRefundView);
}
