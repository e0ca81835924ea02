import { invalidRequest, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { addInterval } from './calendar';

// Discounts: a coupon (maybe through a promotion code) applied to a customer, a subscription, a
// checkout session or an invoice. Stripe keeps each application as a `discount` object.

export function findCoupon(ctx: ApiContext, id: string, param = 'coupon'): StripeObject {
  const coupon = ctx.sandbox.store.get(ctx.scope, 'coupon', id);
  if (!coupon || coupon.deleted) throw noSuch('coupon', id, param);
  return coupon;
}

function assertRedeemable(ctx: ApiContext, coupon: StripeObject, at: number, param: string): void {
  const expired = typeof coupon.redeem_by === 'number' && coupon.redeem_by <= at;
  const exhausted = typeof coupon.max_redemptions === 'number' && Number(coupon.times_redeemed) >= coupon.max_redemptions;
  if (!coupon.valid || expired || exhausted) {
    if (coupon.valid) {
      coupon.valid = false;
      ctx.sandbox.emit(ctx.scope, 'coupon.updated', coupon);
    }
    throw invalidRequest(`Coupon ${coupon.id} is no longer valid (expired or fully redeemed).`, 'coupon_expired', param);
  }
}

/** A promotion code by id (`promo_…`), active and within its limits. */
export function findUsablePromotionCode(ctx: ApiContext, id: string, at: number, param = 'promotion_code'): StripeObject {
  const promo = ctx.sandbox.store.get(ctx.scope, 'promotion_code', id);
  if (!promo) throw noSuch('promotion code', id, param);
  const expired = typeof promo.expires_at === 'number' && promo.expires_at <= at;
  const exhausted = typeof promo.max_redemptions === 'number' && Number(promo.times_redeemed) >= promo.max_redemptions;
  if (!promo.active || expired || exhausted)
    throw invalidRequest(`The promotion code ${String(promo.code)} is not active or has reached its limits.`, undefined, param);
  return promo;
}

export function promotionCoupon(promo: StripeObject): string {
  return String((promo.promotion as Json).coupon);
}

export interface DiscountTarget {
  customer: string | null;
  subscription?: string | null;
  checkoutSession?: string | null;
  invoice?: string | null;
}

/** Redeems a coupon (or a promotion code's coupon): a stored `discount` and the redemption counted. */
export function createDiscount(
  ctx: ApiContext,
  source: { coupon?: string; promotionCode?: string },
  target: DiscountTarget,
  at: number,
  param = 'coupon',
): StripeObject {
  const promo = source.promotionCode ? findUsablePromotionCode(ctx, source.promotionCode, at, param) : undefined;
  const coupon = findCoupon(ctx, promo ? promotionCoupon(promo) : String(source.coupon), param);
  assertRedeemable(ctx, coupon, at, param);
  coupon.times_redeemed = Number(coupon.times_redeemed) + 1;
  if (promo) promo.times_redeemed = Number(promo.times_redeemed) + 1;
  const end = coupon.duration === 'repeating' ? addInterval(at, 'month', Number(coupon.duration_in_months)) : null;
  const discount: StripeObject = {
    id: newId('di', 24),
    object: 'discount',
    checkout_session: target.checkoutSession ?? null,
    customer: target.customer,
    customer_account: null,
    end,
    invoice: target.invoice ?? null,
    invoice_item: null,
    promotion_code: promo?.id ?? null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: at,
    subscription: target.subscription ?? null,
    subscription_item: null,
  };
  return ctx.sandbox.store.insert(ctx.scope, discount);
}

function active(discount: StripeObject | undefined, at: number): discount is StripeObject {
  return Boolean(discount) && (discount!.end === null || Number(discount!.end) > at);
}

/**
 * The discounts that apply to the subscription's next invoice: its own, else the customer's. A
 * `once` coupon applies to one invoice only, so it is spent here (unless only peeking, for a preview).
 */
export function takeSubscriptionDiscounts(ctx: ApiContext, subscription: StripeObject, at: number, peek = false): string[] {
  const own = (subscription.discounts as string[]).map((id) => ctx.sandbox.store.get(ctx.scope, 'discount', id));
  const customer = ctx.sandbox.store.get(ctx.scope, 'customer', String(subscription.customer));
  const customerDiscount = customer?.discount as StripeObject | null | undefined;
  const candidates = own.length > 0 ? own : customerDiscount ? [ctx.sandbox.store.get(ctx.scope, 'discount', customerDiscount.id)] : [];
  const out: string[] = [];
  for (const discount of candidates) {
    if (!active(discount, at)) continue;
    const coupon = ctx.sandbox.store.get(ctx.scope, 'coupon', String((discount.source as Json).coupon));
    if (!coupon) continue;
    if (coupon.duration === 'once') {
      if (ctx.sandbox.store.getRelated<boolean>(discount.id, 'spent')) continue;
      if (!peek) ctx.sandbox.store.setRelated(discount.id, 'spent', true);
    }
    out.push(discount.id);
  }
  return out;
}
