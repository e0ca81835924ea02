import type { Json, StripeObject } from '../core/json';
import { optionalString } from '../core/params';
import type { ApiContext } from '../core/resource';
import { billingNow } from './billing-time';
import { createDiscount } from './discounts';

/**
 * `coupon` / `promotion_code` on a customer (Stripe's older API, still sent by many integrations):
 * the customer's single discount, with `customer.discount.created`, `.updated` when one replaces
 * another, or `.deleted` when `coupon=''` removes it. Returns true when the discount changed.
 */
export function applyCustomerDiscount(ctx: ApiContext, customer: StripeObject, params: Json): boolean {
  const coupon = optionalString(params, 'coupon');
  const promotionCode = optionalString(params, 'promotion_code');
  if (coupon === undefined && promotionCode === undefined) return false;
  const previous = customer.discount as StripeObject | null;
  if (!coupon && !promotionCode) {
    if (!previous) return false;
    removeCustomerDiscount(ctx, customer);
    return true;
  }
  const at = billingNow(ctx.sandbox, ctx.scope, customer.id);
  const discount = createDiscount(
    ctx,
    promotionCode ? { promotionCode } : { coupon },
    { customer: customer.id },
    at,
    promotionCode ? 'promotion_code' : 'coupon',
  );
  customer.discount = discount;
  if (previous)
    ctx.sandbox.emit(ctx.scope, 'customer.discount.updated', discount, {
      previousAttributes: { source: previous.source, id: previous.id },
      request: ctx.request,
    });
  else ctx.sandbox.emit(ctx.scope, 'customer.discount.created', discount, { request: ctx.request });
  return true;
}

export function removeCustomerDiscount(ctx: ApiContext, customer: StripeObject): StripeObject | null {
  const previous = customer.discount as StripeObject | null;
  if (!previous) return null;
  customer.discount = null;
  ctx.sandbox.emit(ctx.scope, 'customer.discount.deleted', previous, { request: ctx.request });
  return previous;
}

/** What Stripe answers for a removed discount: the discount without `end`, marked deleted. */
export function deletedDiscount(discount: StripeObject): Json {
  const { end: _end, ...rest } = discount;
  return { ...rest, deleted: true };
}
