import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { addTimelineEntry } from '../../store/invoices';
import type { InvoiceEventType } from './invoice-events';
import { recordInvoiceEvent } from './invoice-events';
import { locateInvoice } from './locate-invoice';

interface TimelineFact {
  invoiceId: string;
  kind: string;
  message: string;
  /** Keeps one entry per attempt however often Stripe tells us (the same keys as before facts existed). */
  dedupeKey: string;
  domainEvent: InvoiceEventType;
}

/** Attempts that do not pay the invoice go on its timeline; the invoice stays as it is. */
async function recordOnTimeline(effects: Effects, entry: TimelineFact): Promise<FactOutcome> {
  const located = await locateInvoice(effects, entry.invoiceId);
  if ('outcome' in located) return located.outcome;
  const added = await addTimelineEntry(effects.trx, {
    invoiceId: entry.invoiceId,
    kind: entry.kind,
    message: entry.message,
    at: effects.now,
    stripeEventId: effects.cause!.stripeEventId,
    dedupeKey: entry.dedupeKey,
  });
  if (added) await recordInvoiceEvent(effects, entry.domainEvent, located.invoice);
  return {
    status: 'processed',
    note: `${entry.kind} ${added ? 'added to' : 'already on'} the timeline of ${entry.invoiceId}; the invoice stays ${located.invoice.status}`,
  };
}

export function recordPendingPayment(effects: Effects, fact: FactOf<'payment.pending'>): Promise<FactOutcome> {
  return recordOnTimeline(effects, {
    invoiceId: fact.payable.id,
    kind: 'awaiting_payment',
    message: `Checkout ${fact.checkoutSessionId} completed with payment_status "${fact.paymentStatus}"; the invoice stays open until the payment settles.`,
    dedupeKey: `awaiting:${fact.checkoutSessionId}`,
    domainEvent: 'invoice.payment_pending',
  });
}

export function recordFailedPayment(effects: Effects, fact: FactOf<'payment.failed'>): Promise<FactOutcome> {
  return recordOnTimeline(
    effects,
    fact.source === 'checkout_session'
      ? {
          invoiceId: fact.payable.id,
          kind: 'payment_failed',
          message: `The delayed payment for checkout ${fact.objectId} failed; the customer can pay again with the link.`,
          dedupeKey: `async_failed:${fact.objectId}`,
          domainEvent: 'invoice.payment_failed',
        }
      : {
          invoiceId: fact.payable.id,
          kind: 'payment_failed',
          message: `Payment attempt ${fact.objectId} failed${fact.failure ? ` (${fact.failure})` : ''}; the invoice stays open.`,
          dedupeKey: `pi_failed:${fact.objectId}:${fact.attemptId}`,
          domainEvent: 'invoice.payment_failed',
        },
  );
}

export function recordExpiredCheckout(effects: Effects, fact: FactOf<'checkout.expired'>): Promise<FactOutcome> {
  return recordOnTimeline(effects, {
    invoiceId: fact.payable.id,
    kind: 'session_expired',
    message: `Checkout ${fact.checkoutSessionId} expired without payment.`,
    dedupeKey: `expired:${fact.checkoutSessionId}`,
    domainEvent: 'invoice.checkout_expired',
  });
}
