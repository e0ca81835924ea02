import { z } from '@hono/zod-openapi';
import { stripeFor } from '../../billing/payment-link';
import { requireInvoice } from '../../billing/invoice-service';
import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import { payableMetadata } from '../../domain/paybridge-metadata';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, invalidField } from '../../errors';
import { formatMinorUnits } from '../../money';
import { listInvoicePayments } from '../../store/invoices';
import { listPayableRefunds, lockRefund } from '../../store/refunds';
import { fromStripeError } from '../../stripe/stripe-errors';
import { applyRefund } from './apply-refund';
import { toRefundView, type RefundView } from './refund-view';

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

/**
 * Refunds a paid invoice (all that is left by default) through Stripe, stamped with Paybridge's
 * metadata so the `refund.*` events find it. The Idempotency-Key is derived from the payment, what
 * was refunded before and the amount, so a retried request returns the same Stripe refund instead
 * of refunding twice. Stripe's answer is recorded at once; the events later change nothing more.
 */
export async function createInvoiceRefund(
  ctx: AppContext,
  tenantId: string,
  invoiceId: string,
  input: CreateRefundInput,
): Promise<RefundView> {
  const invoice = await requireInvoice(ctx, tenantId, invoiceId);
  if (invoice.status !== 'paid' && invoice.status !== 'refunded') {
    throw new AppError({
      code: 'invoice_not_paid',
      status: 409,
      message: `Invoice ${invoiceId} is ${invoice.status}; only a paid invoice can be refunded.`,
    });
  }
  const payments = await listInvoicePayments(ctx.store.db, invoice.id);
  const payment = payments
    .filter((p) => p.provider_payment_id.startsWith('pi_'))
    .find((p) => Number(p.amount) - Number(p.refunded_amount) > 0);
  if (!payment) {
    throw new AppError({
      code: 'nothing_to_refund',
      status: 409,
      message: `Invoice ${invoiceId} has nothing left to refund (amount_refunded ${formatMinorUnits(BigInt(invoice.amount_refunded), invoice.currency)} ${invoice.currency}).`,
    });
  }
  const left = Number(payment.amount) - Number(payment.refunded_amount);
  const amount = input.amount ?? left;
  if (amount > left) {
    throw invalidField(
      'amount',
      'amount_too_large',
      `amount ${amount} is more than the ${left} minor units (${formatMinorUnits(BigInt(left), payment.currency)} ${payment.currency}) left to refund on payment ${payment.id}; send at most ${left}, or omit amount.`,
    );
  }
  const connection = await requireConnection(ctx, tenantId, invoice.connection_id);
  let refund;
  try {
    refund = await stripeFor(ctx, connection).refunds.create(
      {
        payment_intent: payment.provider_payment_id,
        amount,
        ...(input.reason ? { reason: input.reason } : {}),
        metadata: { ...payableMetadata(tenantId, { type: 'invoice', id: invoice.id }), paybridge_payment_id: payment.id },
      },
      { idempotencyKey: `paybridge-refund-${payment.id}-${Number(payment.refunded_amount)}-${amount}` },
    );
  } catch (error) {
    throw fromStripeError(error, `refunding ${amount} of payment ${payment.provider_payment_id}`);
  }
  const owner = { tenantId, connectionId: connection.id };
  const object = JSON.parse(JSON.stringify(refund)) as Record<string, unknown>;
  return inUnitOfWork(ctx, async (effects) => {
    await applyRefund(effects, owner, object);
    const row = await lockRefund(effects.trx, connection.id, refund.id);
    return toRefundView(row!);
  });
}

export async function listInvoiceRefunds(ctx: AppContext, tenantId: string, invoiceId: string): Promise<RefundView[]> {
  const invoice = await requireInvoice(ctx, tenantId, invoiceId);
  return (await listPayableRefunds(ctx.store.db, tenantId, { type: 'invoice', id: invoice.id })).map(toRefundView);
}
