import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { snapshot } from '../core/updates';
import { nextBoundary, type Interval } from './calendar';
import { takeSubscriptionDiscounts } from './discounts';
import { collectAfterFinalize, finalizeInvoice, openInvoiceIntent, setInvoiceDaysUntilDue } from './invoice-actions';
import { addItemToInvoice, buildInvoice, pendingInvoiceItems, type InvoiceInit, type InvoiceLineInit } from './invoice-build';
import { billingSettings } from './settings';
import { currentPeriod, setCurrentPeriod, subscriptionItems } from './subscription-items';
import { cancelSubscriptionNow, emitSubscriptionUpdated, setSubscriptionStatus } from './subscription-status';

// A subscription's billing cycle: the first invoice, trial end, renewals. Each step creates the
// invoice Stripe would, in Stripe's order of events; the scheduler decides when steps run.

export function cycleOf(subscription: StripeObject): { interval: Interval; count: number } {
  const price = subscriptionItems(subscription)[0]?.price as Json | undefined;
  const recurring = (price?.recurring as Json | undefined) ?? {};
  return { interval: (recurring.interval as Interval | undefined) ?? 'month', count: Number(recurring.interval_count ?? 1) };
}

/** The period that starts at `start` on the subscription's billing cycle anchor. */
export function periodFrom(subscription: StripeObject, start: number): { start: number; end: number } {
  const { interval, count } = cycleOf(subscription);
  return { start, end: nextBoundary(Number(subscription.billing_cycle_anchor), start, interval, count) };
}

function productName(ctx: ApiContext, price: Json): string {
  const product = ctx.sandbox.store.get(ctx.scope, 'product', String(price.product));
  return product ? String(product.name) : 'Subscription';
}

/** One line per item for `period`; a trial bills each item at zero. */
export function subscriptionLines(
  ctx: ApiContext,
  subscription: StripeObject,
  period: { start: number; end: number },
  trial: boolean,
): InvoiceLineInit[] {
  return subscriptionItems(subscription).map((item) => {
    const price = item.price as StripeObject;
    const quantity = Number(item.quantity ?? 1);
    const name = productName(ctx, price);
    return {
      amount: trial ? 0 : Number(price.unit_amount) * quantity,
      currency: String(price.currency),
      description: trial ? `Trial period for ${name}` : `${quantity} × ${name}`,
      period,
      quantity,
      price,
      subscription: subscription.id,
      subscriptionItem: item.id,
    };
  });
}

function customerOf(ctx: ApiContext, subscription: StripeObject): StripeObject {
  return ctx.sandbox.store.get(ctx.scope, 'customer', String(subscription.customer))!;
}

/** Builds, stores and announces (`invoice.created`) a subscription invoice. */
export function createSubscriptionInvoice(
  ctx: ApiContext,
  subscription: StripeObject,
  at: number,
  billingReason: InvoiceInit['billingReason'],
  lines: InvoiceLineInit[],
  options: { finalizesAt?: number | null } = {},
): StripeObject {
  const invoice = buildInvoice(ctx, {
    customer: customerOf(ctx, subscription),
    subscription,
    billingReason,
    collectionMethod: subscription.collection_method as InvoiceInit['collectionMethod'],
    autoAdvance: true,
    finalizesAt: options.finalizesAt,
    at,
    currency: String(subscription.currency),
    lines,
    discounts: takeSubscriptionDiscounts(ctx, subscription, at),
    defaultPaymentMethod: null,
    description: (subscription.description as string | null) ?? null,
    period: lines[0]?.period,
  });
  ctx.sandbox.store.insert(ctx.scope, invoice);
  // Pending invoice items in the subscription's currency ride on its next invoice, as on Stripe.
  for (const item of pendingInvoiceItems(ctx, String(subscription.customer)))
    if (item.currency === invoice.currency) addItemToInvoice(ctx, invoice, item);
  setInvoiceDaysUntilDue(ctx, invoice, subscription.days_until_due as number | null);
  ctx.sandbox.emit(ctx.scope, 'invoice.created', invoice, { request: ctx.request });
  return invoice;
}

export type PaymentBehavior = 'allow_incomplete' | 'default_incomplete' | 'error_if_incomplete' | 'pending_if_incomplete';

/**
 * After `customer.subscription.created`: the first invoice. A trial bills zero and is paid at
 * once; charge_automatically finalizes and (unless `default_incomplete`) charges now, the
 * subscription turning active when it is paid; send_invoice waits the draft hour like a renewal.
 */
export function startSubscription(ctx: ApiContext, subscription: StripeObject, at: number, behavior: PaymentBehavior): StripeObject {
  const trial = subscription.status === 'trialing';
  const period = currentPeriod(subscription);
  const sendInvoice = subscription.collection_method === 'send_invoice';
  const settings = billingSettings(ctx.sandbox, ctx.scope);
  const invoice = createSubscriptionInvoice(
    ctx,
    subscription,
    at,
    'subscription_create',
    subscriptionLines(ctx, subscription, period, trial),
    {
      finalizesAt: sendInvoice && !trial ? at + settings.draftSeconds : null,
    },
  );
  subscription.latest_invoice = invoice.id;
  if (sendInvoice && !trial) return invoice;
  finalizeInvoice(ctx, invoice, at);
  if (invoice.status === 'open' && behavior !== 'default_incomplete') collectAfterFinalize(ctx, invoice, at);
  // default_incomplete: the client confirms the invoice's PaymentIntent itself (confirmation_secret).
  else if (invoice.status === 'open') openInvoiceIntent(ctx, invoice, at);
  return invoice;
}

function hasPaymentMethod(ctx: ApiContext, subscription: StripeObject): boolean {
  if (subscription.default_payment_method) return true;
  const settings = customerOf(ctx, subscription).invoice_settings as Json | undefined;
  return Boolean(settings?.default_payment_method);
}

/** The trial is over: active with a new period and its invoice, or paused/canceled per `trial_settings`. */
export function endTrial(ctx: ApiContext, subscription: StripeObject, at: number): void {
  const behavior = ((subscription.trial_settings as Json).end_behavior as Json).missing_payment_method;
  if (!hasPaymentMethod(ctx, subscription) && behavior === 'pause') {
    setSubscriptionStatus(ctx, subscription, 'paused');
    return;
  }
  if (!hasPaymentMethod(ctx, subscription) && behavior === 'cancel') {
    cancelSubscriptionNow(ctx, subscription, at, 'cancellation_requested');
    return;
  }
  beginPeriod(ctx, subscription, at, 'active');
}

/** Renewal at period end: the next period and its invoice, finalized after the draft hour. */
export function renewSubscription(ctx: ApiContext, subscription: StripeObject, at: number): void {
  beginPeriod(ctx, subscription, at, String(subscription.status));
}

function beginPeriod(ctx: ApiContext, subscription: StripeObject, at: number, status: string): void {
  const before = snapshot(subscription);
  const period = periodFrom(subscription, at);
  const settings = billingSettings(ctx.sandbox, ctx.scope);
  const lines = subscriptionLines(ctx, subscription, period, false);
  const invoice = createSubscriptionInvoice(ctx, subscription, at, 'subscription_cycle', lines, {
    finalizesAt: at + settings.draftSeconds,
  });
  setCurrentPeriod(subscription, period);
  subscription.latest_invoice = invoice.id;
  subscription.status = status;
  emitSubscriptionUpdated(ctx, subscription, before);
}
