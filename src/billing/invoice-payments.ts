import { ownershipOf } from '../handlers/ownership';
import type { HandlerInput, HandlerOutcome } from '../handlers/types';
import { formatMinorUnits } from '../money';
import { enqueueJob } from '../store/jobs';
import { addTimelineEntry, insertPaymentOnce, listInvoicePayments, lockInvoice, updateInvoice } from '../store/invoices';
import type { InvoiceRow } from '../store/invoices-schema';

/**
 * What Stripe events do to Paybridge invoices. Every function runs inside the event's processing
 * transaction. Payments are decided from the object's newest stored version
 * (`input.object.current`), never from the event type alone, and a superseded version changes
 * nothing (the newer one already did). The invoice row is locked first, so a checkout session event
 * and a payment intent event for one payment, processed at once by two workers, serialise; the
 * unique (invoice_id, provider_payment_id) key then lets exactly one of them record the payment.
 *
 * Failed attempts and expiries are history: they go on the timeline from the event's own object even
 * when a newer version is stored (a decline and the intent's creation often share a second and a
 * status, so either may be ordered "newer").
 */

function metadataOf(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object.metadata;
  return metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
}

/** The Paybridge invoice an object was created for, if any. */
export function invoiceIdOf(object: Record<string, unknown>): string | undefined {
  const id = metadataOf(object).paybridge_invoice_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * Whether the invoice logic applies at all: only to this tenant's objects that carry an id. Other
 * cases (foreign, unstamped, no object) are left to the family's guard, which explains them.
 */
function applies(input: HandlerInput): input is HandlerInput & { object: NonNullable<HandlerInput['object']> } {
  return input.object !== undefined && ownershipOf(input.event.data.object, input.connection).owner === 'this_tenant';
}

type Located = { invoice: InvoiceRow } | { outcome: HandlerOutcome };

/** Finds and locks the invoice, only within this connection's tenant and only for this connection. */
async function locateInvoice(input: HandlerInput, invoiceId: string): Promise<Located> {
  const invoice = await lockInvoice(input.trx, input.connection.tenant_id, invoiceId);
  if (!invoice)
    return { outcome: { status: 'ignored', reason: `recorded; the metadata names invoice ${invoiceId}, which this tenant does not have` } };
  if (invoice.connection_id !== input.connection.id) {
    return {
      outcome: {
        status: 'ignored',
        reason: `recorded; invoice ${invoiceId} belongs to connection ${invoice.connection_id}, not to ${input.connection.id} which received this event`,
      },
    };
  }
  return { invoice };
}

function stringField(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}

interface PaymentFacts {
  providerPaymentId: string;
  checkoutSessionId: string | null;
  amount: number;
  currency: string;
}

/** Records one payment for the invoice (once per provider payment id) and moves the invoice on. */
async function recordPayment(input: HandlerInput, invoiceId: string, facts: PaymentFacts): Promise<HandlerOutcome> {
  const located = await locateInvoice(input, invoiceId);
  if ('outcome' in located) return located.outcome;
  const { invoice } = located;
  const { trx, event } = input;
  const now = input.ctx.now();
  const paidAt = new Date(event.created * 1000);
  const payment = await insertPaymentOnce(trx, {
    tenant_id: invoice.tenant_id,
    invoice_id: invoice.id,
    connection_id: invoice.connection_id,
    provider_payment_id: facts.providerPaymentId,
    checkout_session_id: facts.checkoutSessionId,
    amount: facts.amount,
    currency: facts.currency,
    paid_at: paidAt,
    source_event_id: event.id,
  });
  if (!payment) return { status: 'processed', note: `payment ${facts.providerPaymentId} for ${invoice.id} was already recorded` };

  const display = `${formatMinorUnits(BigInt(facts.amount), facts.currency)} ${facts.currency}`;
  const deactivate = () =>
    enqueueJob(trx, 'payment_link.deactivate', { invoice_id: invoice.id }, { now, dedupeKey: `payment_link.deactivate:${invoice.id}` });
  const flag = async (reason: string) => {
    await updateInvoice(trx, invoice.id, {
      needs_refund_review: true,
      review_reason: invoice.review_reason ? `${invoice.review_reason}; ${reason}` : reason,
      updated_at: now,
    });
    await addTimelineEntry(trx, {
      invoiceId: invoice.id,
      kind: 'needs_refund_review',
      message: reason,
      at: now,
      stripeEventId: event.id,
      dedupeKey: `review:${facts.providerPaymentId}`,
    });
  };

  const mismatch =
    facts.currency !== invoice.currency
      ? `payment ${facts.providerPaymentId} is in ${facts.currency} but the invoice is in ${invoice.currency}`
      : facts.amount < Number(invoice.amount_due)
        ? `payment ${facts.providerPaymentId} of ${display} is less than the ${formatMinorUnits(BigInt(invoice.amount_due), invoice.currency)} ${invoice.currency} due`
        : null;

  if (invoice.status === 'open' && !mismatch) {
    await updateInvoice(trx, invoice.id, { status: 'paid', paid_at: paidAt, updated_at: now });
    await addTimelineEntry(trx, {
      invoiceId: invoice.id,
      kind: 'paid',
      message: `Paid ${display} (${facts.providerPaymentId}).`,
      at: now,
      stripeEventId: event.id,
      dedupeKey: `paid:${facts.providerPaymentId}`,
    });
    if (invoice.payment_link_active) await deactivate();
    return { status: 'processed', note: `invoice ${invoice.id} paid by ${facts.providerPaymentId}` };
  }

  let reason: string;
  if (mismatch) reason = `${mismatch}; the invoice was not marked paid. Check the payment in Stripe and refund or settle the difference.`;
  else if (invoice.status === 'paid') {
    const earlier = (await listInvoicePayments(trx, invoice.id)).filter((p) => p.id !== payment.id).map((p) => p.provider_payment_id);
    reason = `second payment ${facts.providerPaymentId} of ${display} after ${earlier.join(', ') || 'an earlier payment'}; refund one of them in Stripe.`;
  } else reason = `payment ${facts.providerPaymentId} of ${display} arrived for a ${invoice.status} invoice; refund it in Stripe.`;
  await flag(reason);
  if (invoice.payment_link_active) await deactivate();
  return { status: 'processed', note: `payment ${facts.providerPaymentId} recorded; invoice ${invoice.id} flagged for refund review` };
}

async function recordAttempt(
  input: HandlerInput,
  invoiceId: string,
  entry: { kind: string; message: string; dedupeKey: string },
): Promise<HandlerOutcome> {
  const located = await locateInvoice(input, invoiceId);
  if ('outcome' in located) return located.outcome;
  const added = await addTimelineEntry(input.trx, {
    invoiceId,
    kind: entry.kind,
    message: entry.message,
    at: input.ctx.now(),
    stripeEventId: input.event.id,
    dedupeKey: entry.dedupeKey,
  });
  return {
    status: 'processed',
    note: `${entry.kind} ${added ? 'added to' : 'already on'} the timeline of ${invoiceId}; the invoice stays ${located.invoice.status}`,
  };
}

/**
 * Checkout Session events for invoice payment links. A session pays the invoice only once its
 * `payment_status` is "paid": `completed` with "unpaid" (a bank debit still settling) waits for
 * `async_payment_succeeded`. Undefined when the session is not an invoice's.
 */
export async function applyCheckoutSessionToInvoice(input: HandlerInput): Promise<HandlerOutcome | undefined> {
  if (!applies(input)) return undefined;
  const superseded = input.object.outcome === 'superseded';
  const session = superseded ? input.event.data.object : input.object.current.data;
  const invoiceId = invoiceIdOf(session);
  if (!invoiceId) return undefined;
  const sessionId = String(session.id);
  switch (input.event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      if (superseded) return undefined;
      if (session.payment_status === 'paid') {
        return recordPayment(input, invoiceId, {
          providerPaymentId: stringField(session, 'payment_intent') ?? sessionId,
          checkoutSessionId: sessionId,
          amount: Number(session.amount_total),
          currency: String(session.currency).toUpperCase(),
        });
      }
      return recordAttempt(input, invoiceId, {
        kind: 'awaiting_payment',
        message: `Checkout ${sessionId} completed with payment_status "${String(session.payment_status)}"; the invoice stays open until the payment settles.`,
        dedupeKey: `awaiting:${sessionId}`,
      });
    }
    case 'checkout.session.async_payment_failed':
      return recordAttempt(input, invoiceId, {
        kind: 'payment_failed',
        message: `The delayed payment for checkout ${sessionId} failed; the customer can pay again with the link.`,
        dedupeKey: `async_failed:${sessionId}`,
      });
    case 'checkout.session.expired':
      return recordAttempt(input, invoiceId, {
        kind: 'session_expired',
        message: `Checkout ${sessionId} expired without payment.`,
        dedupeKey: `expired:${sessionId}`,
      });
    default:
      return undefined;
  }
}

/**
 * Payment Intent events for invoice payments: `succeeded` pays the invoice even when the checkout
 * event never arrives (same business key as the session, so never twice); `payment_failed` goes on
 * the timeline. Undefined when the intent is not an invoice's or the type changes nothing.
 */
export async function applyPaymentIntentToInvoice(input: HandlerInput): Promise<HandlerOutcome | undefined> {
  if (!applies(input)) return undefined;
  const superseded = input.object.outcome === 'superseded';
  const intent = superseded ? input.event.data.object : input.object.current.data;
  const invoiceId = invoiceIdOf(intent);
  if (!invoiceId) return undefined;
  const intentId = String(intent.id);
  if (input.event.type === 'payment_intent.succeeded' && !superseded && intent.status === 'succeeded') {
    const received = Number(intent.amount_received);
    return recordPayment(input, invoiceId, {
      providerPaymentId: intentId,
      checkoutSessionId: null,
      amount: Number.isSafeInteger(received) && received > 0 ? received : Number(intent.amount),
      currency: String(intent.currency).toUpperCase(),
    });
  }
  if (input.event.type === 'payment_intent.payment_failed') {
    const error = (intent.last_payment_error ?? {}) as Record<string, unknown>;
    const why = [error.code, error.decline_code, error.message].filter((part) => typeof part === 'string' && part.length > 0).join(': ');
    const attempt = stringField(error, 'charge') ?? stringField(intent, 'latest_charge') ?? input.event.id;
    return recordAttempt(input, invoiceId, {
      kind: 'payment_failed',
      message: `Payment attempt ${intentId} failed${why ? ` (${why})` : ''}; the invoice stays open.`,
      dedupeKey: `pi_failed:${intentId}:${attempt}`,
    });
  }
  return undefined;
}
