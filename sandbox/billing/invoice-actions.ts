import { StripeApiError, invalidRequest } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { confirmPaymentIntent, decline } from '../payments/payment-engine';
import { createPaymentIntent } from '../resources/payment-intents';
import { resolvePaymentMethod } from '../resources/payment-methods';
import { SECONDS_PER_DAY } from './calendar';
import { invoiceSubscriptionId, recomputeInvoice } from './invoice-build';
import { billingSettings, takeFailNext } from './settings';
import { subscriptionInvoiceFailed, subscriptionInvoicePaid } from './subscription-status';

// The invoice state machine: draft → open → paid | void | uncollectible, with the events Stripe
// sends at each step and the PaymentIntent an automatic collection attempt creates and reuses.

function emit(ctx: ApiContext, type: string, invoice: StripeObject, previous?: Json): void {
  ctx.sandbox.emit(ctx.scope, type, invoice, { request: ctx.request, previousAttributes: previous });
}

/** send_invoice terms are not a field of the invoice on Stripe; the sandbox keeps them beside it. */
export function setInvoiceDaysUntilDue(ctx: ApiContext, invoice: StripeObject, days: number | null | undefined): void {
  if (days !== null && days !== undefined) ctx.sandbox.store.setRelated(invoice.id, 'days_until_due', days);
}

function invoiceDaysUntilDue(ctx: ApiContext, invoice: StripeObject): number {
  return ctx.sandbox.store.getRelated<number>(invoice.id, 'days_until_due') ?? 30;
}

function customerOf(ctx: ApiContext, invoice: StripeObject): StripeObject | undefined {
  return ctx.sandbox.store.get(ctx.scope, 'customer', String(invoice.customer));
}

export function assertStatus(invoice: StripeObject, allowed: readonly string[], action: string): void {
  if (!allowed.includes(String(invoice.status)))
    throw invalidRequest(
      `You can only ${action} an invoice with a status of ${allowed.join(' or ')}; this invoice (${invoice.id}) is ${String(invoice.status)}.`,
      'invoice_unexpected_state' as string,
    );
}

/** The invoice's payment attempts (`invoice.payments`, an expandable list on Stripe). */
export function invoicePayments(ctx: ApiContext, invoice: StripeObject): StripeObject[] {
  return ctx.sandbox.store.list(ctx.scope, 'invoice_payment', (p) => p.invoice === invoice.id);
}

/**
 * Finalizes a draft: number, due date, customer credit applied, `invoice.finalized`. A zero
 * amount is paid at once, as on Stripe; send_invoice invoices go to the customer (`invoice.sent`).
 */
export function finalizeInvoice(ctx: ApiContext, invoice: StripeObject, at: number): void {
  assertStatus(invoice, ['draft'], 'finalize');
  const customer = customerOf(ctx, invoice);
  if (customer) {
    const sequence = Number(customer.next_invoice_sequence ?? 1);
    customer.next_invoice_sequence = sequence + 1;
    invoice.number = `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`;
    const balance = Number(customer.balance ?? 0);
    invoice.starting_balance = balance;
    recomputeInvoice(ctx, invoice);
    // A negative balance is credit: it pays as much of the invoice as it can.
    const credit = balance < 0 ? Math.min(-balance, Number(invoice.amount_due)) : 0;
    customer.balance = balance + credit;
    invoice.ending_balance = balance + credit;
  }
  recomputeInvoice(ctx, invoice);
  const base = `${ctx.sandbox.baseUrl}/invoices/${invoice.id}`;
  Object.assign(invoice, {
    status: 'open',
    effective_at: at,
    hosted_invoice_url: base,
    invoice_pdf: `${base}/pdf`,
    automatically_finalizes_at: null,
    due_date: invoice.collection_method === 'send_invoice' ? at + invoiceDaysUntilDue(ctx, invoice) * SECONDS_PER_DAY : invoice.due_date,
    status_transitions: { ...(invoice.status_transitions as Json), finalized_at: at },
  });
  emit(ctx, 'invoice.finalized', invoice);
  if (Number(invoice.amount_due) === 0) markInvoicePaid(ctx, invoice, at);
}

/** Paid, by a payment or out of band: `invoice.paid`, `invoice.payment_succeeded`, the subscription follows. */
export function markInvoicePaid(ctx: ApiContext, invoice: StripeObject, at: number, outOfBand = false): void {
  // The PaymentIntent's own success event may have got here first (see resources/invoices onEvent).
  if (invoice.status === 'paid') return;
  Object.assign(invoice, {
    status: 'paid',
    amount_paid: Number(invoice.amount_due),
    amount_remaining: 0,
    attempted: true,
    auto_advance: false,
    next_payment_attempt: null,
    status_transitions: { ...(invoice.status_transitions as Json), paid_at: at },
  });
  if (outOfBand) invoice.amount_paid_off_stripe = Number(invoice.amount_due);
  const payment = invoicePayments(ctx, invoice).find((p) => p.status === 'open');
  if (payment)
    Object.assign(payment, {
      status: 'paid',
      amount_paid: payment.amount_requested,
      status_transitions: { canceled_at: null, paid_at: at },
    });
  emit(ctx, 'invoice.paid', invoice);
  emit(ctx, 'invoice.payment_succeeded', invoice);
  if (payment) ctx.sandbox.emit(ctx.scope, 'invoice_payment.paid', payment, { request: ctx.request });
  subscriptionInvoicePaid(ctx, invoice);
}

function paymentMethodFor(ctx: ApiContext, invoice: StripeObject, explicit: string | null | undefined): string | null {
  if (explicit) return explicit;
  if (invoice.default_payment_method) return String(invoice.default_payment_method);
  const subId = invoiceSubscriptionId(invoice);
  const sub = subId ? ctx.sandbox.store.get(ctx.scope, 'subscription', subId) : undefined;
  if (sub?.default_payment_method) return String(sub.default_payment_method);
  const customer = customerOf(ctx, invoice);
  const settings = customer?.invoice_settings as Json | undefined;
  return (settings?.default_payment_method as string | null | undefined) ?? null;
}

/** The PaymentIntent an invoice collects with: created at the first attempt, reused by retries. */
export function openInvoiceIntent(ctx: ApiContext, invoice: StripeObject, at: number): StripeObject {
  const existing = invoicePayments(ctx, invoice).find((p) => p.status === 'open');
  const piId = existing ? String((existing.payment as Json).payment_intent) : null;
  const current = piId ? ctx.sandbox.store.get(ctx.scope, 'payment_intent', piId) : undefined;
  if (current) return current;
  const pi = createPaymentIntent(ctx, {
    amount: Number(invoice.amount_due),
    currency: String(invoice.currency),
    customer: String(invoice.customer),
    description:
      invoice.billing_reason === 'subscription_create'
        ? 'Subscription creation'
        : invoiceSubscriptionId(invoice)
          ? 'Subscription update'
          : null,
    paymentMethodTypes: ['card'],
  });
  ctx.sandbox.store.insert(ctx.scope, {
    id: newId('inpay', 24),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: Number(invoice.amount_due),
    created: at,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: ctx.scope.livemode,
    payment: { payment_intent: pi.id, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  });
  invoice.confirmation_secret = { client_secret: pi.client_secret, type: 'payment_intent' };
  return pi;
}

export type AttemptOutcome = 'paid' | 'failed' | 'requires_action';

export interface AttemptOptions {
  paymentMethod?: string | null;
  /** An automatic attempt schedules the next retry; a manual `/pay` does not. */
  automatic: boolean;
}

/**
 * One collection attempt on an open invoice with the default payment method (invoice, then
 * subscription, then customer), or the one given. Declines emit what Stripe emits and return
 * 'failed' with the card error; they never throw here (`POST /pay` turns them into a 402).
 */
export function attemptInvoicePayment(
  ctx: ApiContext,
  invoice: StripeObject,
  at: number,
  options: AttemptOptions,
): { outcome: AttemptOutcome; error?: StripeApiError } {
  assertStatus(invoice, ['open'], 'pay');
  const pmId = paymentMethodFor(ctx, invoice, options.paymentMethod);
  let error: StripeApiError | undefined;
  let outcome: AttemptOutcome = 'failed';
  // Counted before charging: the PaymentIntent's success event pays the invoice mid-attempt.
  invoice.attempted = true;
  invoice.attempt_count = Number(invoice.attempt_count) + 1;
  if (!pmId) {
    error = invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
    );
  } else {
    try {
      const pm = resolvePaymentMethod(ctx, pmId, 'payment_method');
      const pi = openInvoiceIntent(ctx, invoice, at);
      if (takeFailNext(ctx.sandbox, [invoiceSubscriptionId(invoice), String(invoice.customer)])) {
        pi.payment_method = pm.id;
        error = decline(ctx, pi, pm, { code: 'card_declined', declineCode: 'generic_decline' });
      } else {
        // Automatic attempts run without the customer, like Stripe's off-session renewals.
        const result = confirmPaymentIntent(ctx, pi, pm, { offSession: options.automatic });
        outcome = result === 'succeeded' ? 'paid' : result === 'requires_action' ? 'requires_action' : 'failed';
      }
    } catch (caught) {
      // A decline, or a payment method that is gone: either way this attempt failed.
      if (!(caught instanceof StripeApiError)) throw caught;
      error = caught;
    }
  }
  if (outcome === 'paid') {
    markInvoicePaid(ctx, invoice, at);
    return { outcome };
  }
  if (outcome === 'requires_action') {
    // The customer must authenticate; automatic retries wait for that.
    invoice.next_payment_attempt = null;
    emit(ctx, 'invoice.payment_action_required', invoice);
    return { outcome };
  }
  const settings = billingSettings(ctx.sandbox, ctx.scope);
  const retries = invoice.billing_reason === 'subscription_create' || !options.automatic ? [] : settings.retryDays;
  const retryIndex = Number(invoice.attempt_count) - 1;
  const retryDays = retries[retryIndex];
  invoice.next_payment_attempt =
    options.automatic && retryDays !== undefined ? at + retryDays * SECONDS_PER_DAY : invoice.next_payment_attempt;
  if (options.automatic && retryDays === undefined) invoice.next_payment_attempt = null;
  emit(ctx, 'invoice.payment_failed', invoice);
  const final = options.automatic && invoice.next_payment_attempt === null && invoice.billing_reason !== 'subscription_create';
  subscriptionInvoiceFailed(ctx, invoice, at, final, settings.afterFinalFailure);
  return { outcome: 'failed', error };
}

/** Void (a finalized invoice that will never be paid): `invoice.voided`. */
export function voidInvoice(ctx: ApiContext, invoice: StripeObject, at: number): void {
  assertStatus(invoice, ['open', 'uncollectible'], 'void');
  Object.assign(invoice, {
    status: 'void',
    auto_advance: false,
    next_payment_attempt: null,
    amount_remaining: 0,
    status_transitions: { ...(invoice.status_transitions as Json), voided_at: at },
  });
  for (const payment of invoicePayments(ctx, invoice).filter((p) => p.status === 'open')) {
    Object.assign(payment, { status: 'canceled', status_transitions: { canceled_at: at, paid_at: null } });
    const pi = ctx.sandbox.store.get(ctx.scope, 'payment_intent', String((payment.payment as Json).payment_intent));
    if (pi && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(String(pi.status))) {
      Object.assign(pi, { status: 'canceled', canceled_at: at, cancellation_reason: 'void_invoice', next_action: null });
      ctx.sandbox.emit(ctx.scope, 'payment_intent.canceled', pi, { request: ctx.request });
    }
  }
  emit(ctx, 'invoice.voided', invoice);
}

export function markUncollectible(ctx: ApiContext, invoice: StripeObject, at: number): void {
  assertStatus(invoice, ['open'], 'mark uncollectible');
  Object.assign(invoice, {
    status: 'uncollectible',
    auto_advance: false,
    next_payment_attempt: null,
    status_transitions: { ...(invoice.status_transitions as Json), marked_uncollectible_at: at },
  });
  emit(ctx, 'invoice.marked_uncollectible', invoice);
}

/** Sends an open send_invoice invoice to the customer (Stripe emails it): `invoice.sent`. */
export function sendInvoice(ctx: ApiContext, invoice: StripeObject): void {
  assertStatus(invoice, ['open'], 'send');
  emit(ctx, 'invoice.sent', invoice);
}

/**
 * What automatic collection does once an invoice is finalized: charge it (charge_automatically)
 * or send it (send_invoice).
 */
export function collectAfterFinalize(ctx: ApiContext, invoice: StripeObject, at: number): AttemptOutcome | 'sent' | 'paid' {
  if (invoice.status === 'paid') return 'paid';
  if (invoice.collection_method === 'send_invoice') {
    sendInvoice(ctx, invoice);
    return 'sent';
  }
  return attemptInvoicePayment(ctx, invoice, at, { automatic: true }).outcome;
}
