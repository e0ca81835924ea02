import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { takeSubscriptionDiscounts } from './discounts';
import { buildInvoice, type InvoiceInit } from './invoice-build';
import { periodFrom, subscriptionLines } from './subscription-cycle';
import { currentPeriod } from './subscription-items';

/**
 * The invoice the subscription's next renewal will create, as `invoice.upcoming` and
 * `create_preview` show it: never stored, and without an `id` (Stripe's preview has none).
 */
export function upcomingInvoice(ctx: ApiContext, subscription: StripeObject, at: number): StripeObject {
  const renewal = currentPeriod(subscription).end;
  const period = periodFrom(subscription, renewal);
  const customer = ctx.sandbox.store.get(ctx.scope, 'customer', String(subscription.customer))!;
  const invoice = buildInvoice(ctx, {
    customer,
    subscription,
    billingReason: 'subscription_cycle',
    collectionMethod: subscription.collection_method as InvoiceInit['collectionMethod'],
    autoAdvance: true,
    at: Math.max(at, renewal),
    currency: String(subscription.currency),
    lines: subscriptionLines(ctx, subscription, period, false),
    discounts: takeSubscriptionDiscounts(ctx, subscription, at, true),
    period,
  });
  invoice.next_payment_attempt = subscription.collection_method === 'charge_automatically' ? renewal : null;
  const preview: Json = { ...invoice };
  delete preview.id;
  (preview.lines as Json).url = `/v1/invoices/upcoming/lines?subscription=${subscription.id}`;
  for (const line of (preview.lines as Json).data as Json[]) line.invoice = null;
  return preview as StripeObject;
}
