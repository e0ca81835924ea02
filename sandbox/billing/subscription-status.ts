import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';

// How a subscription follows its invoices and its cancellation, with the events Stripe sends:
// every change is one `customer.subscription.updated` carrying `previous_attributes`, a cancel is
// `customer.subscription.deleted`.

export function emitSubscriptionUpdated(ctx: ApiContext, sub: StripeObject, before: Json): void {
  const previous = previousAttributes(before, sub);
  if (Object.keys(previous).length > 0)
    ctx.sandbox.emit(ctx.scope, 'customer.subscription.updated', sub, { previousAttributes: previous, request: ctx.request });
}

export function setSubscriptionStatus(ctx: ApiContext, sub: StripeObject, status: string): void {
  if (sub.status === status) return;
  const before = snapshot(sub);
  sub.status = status;
  emitSubscriptionUpdated(ctx, sub, before);
  if (status === 'paused') ctx.sandbox.emit(ctx.scope, 'customer.subscription.paused', sub, { request: ctx.request });
}

export type CancellationReason = 'cancellation_requested' | 'payment_failed' | 'payment_disputed';

/** Ends a subscription now: `canceled`, `ended_at`, and `customer.subscription.deleted`. */
export function cancelSubscriptionNow(
  ctx: ApiContext,
  sub: StripeObject,
  at: number,
  reason: CancellationReason,
  details: Json = {},
): void {
  Object.assign(sub, {
    status: 'canceled',
    canceled_at: sub.canceled_at ?? at,
    ended_at: at,
    cancel_at: sub.cancel_at ?? null,
    cancellation_details: {
      comment: (details.comment as string | undefined) ?? null,
      feedback: (details.feedback as string | undefined) ?? null,
      reason,
    },
  });
  ctx.sandbox.emit(ctx.scope, 'customer.subscription.deleted', sub, { request: ctx.request });
}

function subscriptionOf(ctx: ApiContext, invoice: StripeObject): StripeObject | undefined {
  const parent = invoice.parent as Json | null;
  const details = parent?.subscription_details as Json | null | undefined;
  return typeof details?.subscription === 'string' ? ctx.sandbox.store.get(ctx.scope, 'subscription', details.subscription) : undefined;
}

/** A paid invoice brings an incomplete, past_due or unpaid subscription (back) to active. */
export function subscriptionInvoicePaid(ctx: ApiContext, invoice: StripeObject): void {
  const sub = subscriptionOf(ctx, invoice);
  if (sub && ['incomplete', 'past_due', 'unpaid'].includes(String(sub.status))) setSubscriptionStatus(ctx, sub, 'active');
}

/**
 * A failed attempt: the first invoice leaves the subscription incomplete (it expires later); a
 * renewal makes it past_due; after the last retry the account's setting decides.
 */
export function subscriptionInvoiceFailed(
  ctx: ApiContext,
  invoice: StripeObject,
  at: number,
  final: boolean,
  afterFinal: 'cancel' | 'unpaid' | 'past_due',
): void {
  const sub = subscriptionOf(ctx, invoice);
  if (!sub || invoice.billing_reason === 'subscription_create') return;
  if (sub.status === 'active') setSubscriptionStatus(ctx, sub, 'past_due');
  if (!final || sub.status === 'canceled') return;
  if (afterFinal === 'cancel') cancelSubscriptionNow(ctx, sub, at, 'payment_failed');
  else if (afterFinal === 'unpaid') setSubscriptionStatus(ctx, sub, 'unpaid');
}
