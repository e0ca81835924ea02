import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { formatMinorUnits } from '../../money';
import { addTimelineEntry, insertPaymentOnce, listInvoicePayments, updateInvoice } from '../../store/invoices';
import type { InvoiceRow } from '../../store/invoices-schema';
import { recordInvoiceEvent } from './invoice-events';
import { locateInvoice } from './locate-invoice';

/**
 * A payment for an invoice: recorded once per provider payment id (the unique (invoice, payment)
 * key makes a checkout session event and a payment intent event for one payment record one
 * payment), then the invoice is paid, or flagged for refund review when the payment does not match
 * it or arrives for an invoice that is already paid or void. Either way the link is switched off.
 */
export async function recordInvoicePayment(effects: Effects, fact: FactOf<'payment.succeeded'>): Promise<FactOutcome> {
  const located = await locateInvoice(effects, fact.payable.id);
  if ('outcome' in located) return located.outcome;
  const { invoice } = located;
  const { trx, now } = effects;
  const payment = await insertPaymentOnce(trx, {
    tenant_id: invoice.tenant_id,
    invoice_id: invoice.id,
    connection_id: invoice.connection_id,
    provider_payment_id: fact.providerPaymentId,
    checkout_session_id: fact.checkoutSessionId,
    amount: fact.amount,
    currency: fact.currency,
    paid_at: fact.paidAt,
    source_event_id: effects.cause!.stripeEventId,
  });
  if (!payment) return { status: 'processed', note: `payment ${fact.providerPaymentId} for ${invoice.id} was already recorded` };

  const display = `${formatMinorUnits(BigInt(fact.amount), fact.currency)} ${fact.currency}`;
  const mismatch =
    fact.currency !== invoice.currency
      ? `payment ${fact.providerPaymentId} is in ${fact.currency} but the invoice is in ${invoice.currency}`
      : fact.amount < Number(invoice.amount_due)
        ? `payment ${fact.providerPaymentId} of ${display} is less than the ${formatMinorUnits(BigInt(invoice.amount_due), invoice.currency)} ${invoice.currency} due`
        : null;

  if (invoice.status === 'open' && !mismatch) {
    const paid = (await updateInvoice(trx, invoice.id, { status: 'paid', paid_at: fact.paidAt, updated_at: now }))!;
    await addTimelineEntry(trx, {
      invoiceId: invoice.id,
      kind: 'paid',
      message: `Paid ${display} (${fact.providerPaymentId}).`,
      at: now,
      stripeEventId: effects.cause!.stripeEventId,
      dedupeKey: `paid:${fact.providerPaymentId}`,
    });
    if (invoice.payment_link_active) await deactivateLink(effects, invoice);
    // Only the open → paid change queues it, in this transaction: a duplicated event finds the
    // invoice paid and queues nothing, and the receipt row itself is unique per invoice.
    await effects.enqueue('mail.receipt', { invoice_id: invoice.id }, { dedupeKey: `mail.receipt:${invoice.id}` });
    await recordInvoiceEvent(effects, 'invoice.paid', paid);
    return { status: 'processed', note: `invoice ${invoice.id} paid by ${fact.providerPaymentId}` };
  }

  let reason: string;
  if (mismatch) reason = `${mismatch}; the invoice was not marked paid. Check the payment in Stripe and refund or settle the difference.`;
  else if (invoice.status === 'paid') {
    const earlier = (await listInvoicePayments(trx, invoice.id)).filter((p) => p.id !== payment.id).map((p) => p.provider_payment_id);
    reason = `second payment ${fact.providerPaymentId} of ${display} after ${earlier.join(', ') || 'an earlier payment'}; refund one of them in Stripe.`;
  } else reason = `payment ${fact.providerPaymentId} of ${display} arrived for a ${invoice.status} invoice; refund it in Stripe.`;
  const flagged = (await updateInvoice(trx, invoice.id, {
    needs_refund_review: true,
    review_reason: invoice.review_reason ? `${invoice.review_reason}; ${reason}` : reason,
    updated_at: now,
  }))!;
  await addTimelineEntry(trx, {
    invoiceId: invoice.id,
    kind: 'needs_refund_review',
    message: reason,
    at: now,
    stripeEventId: effects.cause!.stripeEventId,
    dedupeKey: `review:${fact.providerPaymentId}`,
  });
  if (invoice.payment_link_active) await deactivateLink(effects, invoice);
  await recordInvoiceEvent(effects, 'invoice.needs_refund_review', flagged);
  return { status: 'processed', note: `payment ${fact.providerPaymentId} recorded; invoice ${invoice.id} flagged for refund review` };
}

/** The Stripe call happens after commit, in the `payment_link.deactivate` job (one per invoice). */
async function deactivateLink(effects: Effects, invoice: InvoiceRow): Promise<void> {
  await effects.enqueue('payment_link.deactivate', { invoice_id: invoice.id }, { dedupeKey: `payment_link.deactivate:${invoice.id}` });
}
