import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { insertSubscriptionPaymentOnce, updateSubscription } from '../../store/subscriptions';
import type { SubscriptionRow } from '../../store/subscriptions-schema';
import { locateSubscription, unknownSubscription } from './locate-subscription';
import { recordSubscriptionEvent } from './subscription-events';

const FIRST_INVOICE = 'subscription_create';

/**
 * Keeps the subscription's latest invoice: a newer invoice replaces it; the same invoice moves on
 * (open → paid) but never back (a failed attempt reported after the paid one changes nothing).
 */
async function noteLatestInvoice(
  effects: Effects,
  sub: SubscriptionRow,
  invoice: { id: string; created: number; status: string; amountPaid: number; currency: string },
): Promise<void> {
  const storedCreated = sub.latest_invoice_created === null ? null : Number(sub.latest_invoice_created);
  const newer = storedCreated === null || invoice.created > storedCreated;
  const sameMovesOn = sub.latest_invoice_id === invoice.id && sub.latest_invoice_status !== 'paid';
  if (!newer && !sameMovesOn) return;
  await updateSubscription(effects.trx, sub.id, {
    latest_invoice_id: invoice.id,
    latest_invoice_status: invoice.status,
    latest_invoice_amount_paid: invoice.amountPaid,
    latest_invoice_currency: invoice.currency,
    latest_invoice_created: invoice.created,
    updated_at: effects.now,
  });
}

/**
 * A paid invoice of the subscription, recorded once however many events report it. It never grants
 * access by itself: paying a late invoice of an ended subscription changes nothing but the record.
 */
export async function recordInvoicePaid(effects: Effects, fact: FactOf<'subscription_invoice.paid'>): Promise<FactOutcome> {
  const located = await locateSubscription(effects, fact.payable.id, fact.subscriptionId);
  if (!located) return unknownSubscription(fact.payable.id);
  const sub = located.row;
  const payment = await insertSubscriptionPaymentOnce(effects.trx, {
    tenant_id: sub.tenant_id,
    subscription_id: sub.id,
    stripe_invoice_id: fact.invoiceId,
    outcome: 'paid',
    attempt: 0,
    billing_reason: fact.billingReason,
    amount: fact.amountPaid,
    currency: fact.currency,
    failure: null,
    at: fact.paidAt,
    stripe_event_id: effects.cause?.stripeEventId ?? '',
  });
  await noteLatestInvoice(effects, sub, {
    id: fact.invoiceId,
    created: fact.invoiceCreated,
    status: 'paid',
    amountPaid: fact.amountPaid,
    currency: fact.currency,
  });
  if (!payment) return { status: 'processed', note: `invoice ${fact.invoiceId} of subscription ${sub.id} was already recorded as paid` };
  if (fact.billingReason !== FIRST_INVOICE) {
    recordSubscriptionEvent(effects, 'subscription.renewal_paid', sub, {
      invoice: { id: fact.invoiceId, amount_paid: fact.amountPaid, currency: fact.currency, paid_at: fact.paidAt.toISOString() },
    });
  }
  return { status: 'processed', note: `invoice ${fact.invoiceId} of subscription ${sub.id} paid: ${fact.amountPaid} ${fact.currency}` };
}

/** A failed attempt on the subscription's invoice: recorded once per attempt, and the platform is told. */
export async function recordInvoiceFailed(effects: Effects, fact: FactOf<'subscription_invoice.failed'>): Promise<FactOutcome> {
  const located = await locateSubscription(effects, fact.payable.id, fact.subscriptionId);
  if (!located) return unknownSubscription(fact.payable.id);
  const sub = located.row;
  const failure = failureOf(fact.object);
  const payment = await insertSubscriptionPaymentOnce(effects.trx, {
    tenant_id: sub.tenant_id,
    subscription_id: sub.id,
    stripe_invoice_id: fact.invoiceId,
    outcome: 'failed',
    attempt: fact.attempt,
    billing_reason: fact.billingReason,
    amount: fact.amountDue,
    currency: fact.currency,
    failure,
    at: fact.failedAt,
    stripe_event_id: effects.cause?.stripeEventId ?? '',
  });
  await noteLatestInvoice(effects, sub, {
    id: fact.invoiceId,
    created: fact.invoiceCreated,
    status: 'open',
    amountPaid: 0,
    currency: fact.currency,
  });
  if (!payment) return { status: 'processed', note: `attempt ${fact.attempt} on invoice ${fact.invoiceId} was already recorded` };
  if (fact.billingReason !== FIRST_INVOICE) {
    recordSubscriptionEvent(effects, 'subscription.renewal_failed', sub, {
      invoice: {
        id: fact.invoiceId,
        amount_due: fact.amountDue,
        currency: fact.currency,
        attempt: fact.attempt,
        next_attempt_at: fact.nextAttemptAt?.toISOString() ?? null,
        failure,
      },
    });
  }
  return { status: 'processed', note: `attempt ${fact.attempt} on invoice ${fact.invoiceId} of subscription ${sub.id} failed` };
}

/** Stripe's reason for the failed attempt, from the invoice's last finalization or payment error when present. */
function failureOf(invoice: Record<string, unknown>): string | null {
  const error = (invoice.last_finalization_error ?? invoice.last_payment_error) as { code?: unknown; message?: unknown } | null | undefined;
  if (!error) return null;
  return [error.code, error.message].filter((part) => typeof part === 'string').join(': ') || null;
}
