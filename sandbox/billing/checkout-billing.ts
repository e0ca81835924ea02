import { StripeApiError, invalidRequest } from '../core/errors';
import { isRecord, type Json, type StripeObject } from '../core/json';
import { optionalArray, optionalBoolean, optionalInteger, optionalRecord, optionalString, applyMetadata } from '../core/params';
import type { ApiContext } from '../core/resource';
import { cardByFingerprint } from '../payments/cards';
import { createCustomer } from '../resources/customers';
import { couponDiscount } from './discount-math';
import { findCoupon, findUsablePromotionCode, promotionCoupon } from './discounts';
import { createSubscription } from './subscription-create';

// What Checkout adds for billing: subscription mode (the session creates the subscription when
// the customer pays) and discounts (`discounts`, or a promotion code the customer types when
// `allow_promotion_codes` is on).

interface SubscriptionData {
  metadata: Record<string, string>;
  trialPeriodDays: number | null;
  description: string | null;
}

/** `subscription_data` and the checks Stripe makes for a subscription-mode session. */
export function prepareSubscriptionSession(ctx: ApiContext, session: StripeObject, lineItems: StripeObject[]): void {
  if (!lineItems.some((item) => (item.price as Json).recurring))
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      undefined,
      'line_items',
    );
  if (ctx.params.payment_intent_data !== undefined)
    throw invalidRequest('You can not pass `payment_intent_data` in `subscription` mode.', undefined, 'payment_intent_data');
  const raw = optionalRecord(ctx.params, 'subscription_data') ?? {};
  const data: SubscriptionData = {
    metadata: applyMetadata({}, raw, 'metadata'),
    trialPeriodDays: optionalInteger(raw, 'trial_period_days', 'subscription_data[trial_period_days]', 1) ?? null,
    description: optionalString(raw, 'description', 'subscription_data[description]') ?? null,
  };
  ctx.sandbox.store.setRelated(session.id, 'subscription_data', data);
  Object.assign(session, { mode: 'subscription', customer_creation: null, payment_method_collection: 'always' });
  if (data.trialPeriodDays) Object.assign(session, { amount_total: 0, amount_subtotal: 0 });
}

function setDiscount(ctx: ApiContext, session: StripeObject, entry: { coupon: string | null; promotion_code: string | null }): void {
  const coupon = findCoupon(ctx, entry.coupon!, 'discounts');
  const subtotal = Number(session.amount_subtotal);
  const discount = couponDiscount(coupon, subtotal, String(session.currency));
  Object.assign(session, {
    discounts: [entry],
    amount_total: subtotal - discount,
    total_details: { ...(session.total_details as Json), amount_discount: discount },
  });
}

/** `discounts[0][coupon|promotion_code]` and `allow_promotion_codes` at creation. */
export function applySessionDiscountParams(ctx: ApiContext, session: StripeObject): void {
  const allow = optionalBoolean(ctx.params, 'allow_promotion_codes');
  const list = optionalArray(ctx.params, 'discounts') ?? [];
  if (allow && list.length > 0)
    throw invalidRequest('You may only specify one of these parameters: allow_promotion_codes, discounts.', undefined, 'discounts');
  session.allow_promotion_codes = allow ?? null;
  const [first] = list;
  if (first === undefined) return;
  if (!isRecord(first)) throw invalidRequest('Invalid object', undefined, 'discounts[0]');
  const now = ctx.sandbox.clock.now();
  const promoId = optionalString(first, 'promotion_code', 'discounts[0][promotion_code]');
  const couponId = promoId
    ? promotionCoupon(findUsablePromotionCode(ctx, promoId, now, 'discounts[0][promotion_code]'))
    : optionalString(first, 'coupon', 'discounts[0][coupon]');
  if (!couponId) throw invalidRequest('Missing required param: discounts[0][coupon].', 'parameter_missing', 'discounts[0][coupon]');
  setDiscount(ctx, session, { coupon: couponId, promotion_code: promoId ?? null });
}

/** A code the customer typed on the page: only when the session allows promotion codes. */
export function redeemTypedCode(ctx: ApiContext, session: StripeObject, code: string): void {
  if (session.allow_promotion_codes !== true)
    throw invalidRequest('This Checkout Session does not accept promotion codes.', undefined, 'promotion_code');
  const [promo] = ctx.sandbox.store.list(
    ctx.scope,
    'promotion_code',
    (p) => String(p.code).toLowerCase() === code.toLowerCase() && p.active === true,
  );
  if (!promo) throw invalidRequest(`This code is invalid: ${code}`, undefined, 'promotion_code');
  setDiscount(ctx, session, {
    coupon: promotionCoupon(findUsablePromotionCode(ctx, promo.id, ctx.sandbox.clock.now())),
    promotion_code: promo.id,
  });
}

/**
 * Paying a subscription-mode session: the card is checked first (a decline is Stripe's 402 and
 * nothing is created), then the customer, the card attached to it, and the subscription with the
 * session's items, trial, metadata and discount; the session completes with `subscription` set.
 */
export function paySubscriptionSession(
  ctx: ApiContext,
  session: StripeObject,
  pm: StripeObject,
  complete: (status: 'paid' | 'no_payment_required') => void,
  lineItems: StripeObject[],
): 'succeeded' {
  const card = cardByFingerprint(String((pm.card as Json).fingerprint));
  if (card?.behaviour === 'decline')
    throw new StripeApiError(402, 'card_error', 'Your card was declined.', card.decline?.code ?? 'card_declined', undefined, {
      decline_code: card.decline?.declineCode ?? 'generic_decline',
    });
  if (card?.behaviour === 'require_3ds')
    throw invalidRequest(
      'The sandbox does not run 3-D Secure for subscription-mode Checkout; use a card that needs no authentication.',
      undefined,
      'card',
    );
  const customerId =
    (session.customer as string | null) ??
    createCustomer(ctx, {
      email: String((pm.billing_details as Json).email),
      name: ((pm.billing_details as Json).name as string | null) ?? null,
    }).id;
  pm.customer = customerId;
  ctx.sandbox.emit(ctx.scope, 'payment_method.attached', pm, { request: ctx.request });
  const data = ctx.sandbox.store.getRelated<SubscriptionData>(session.id, 'subscription_data') ?? {
    metadata: {},
    trialPeriodDays: null,
    description: null,
  };
  const discount = (session.discounts as Array<{ coupon: string | null; promotion_code: string | null }>)[0];
  const subscription = createSubscription(
    ctx,
    {
      customer: customerId,
      items: lineItems
        .filter((item) => (item.price as Json).recurring)
        .map((item) => ({ price: (item.price as Json).id, quantity: String(item.quantity) })),
      default_payment_method: pm.id,
      metadata: data.metadata,
      ...(data.description ? { description: data.description } : {}),
      ...(data.trialPeriodDays ? { trial_period_days: String(data.trialPeriodDays) } : {}),
      ...(discount
        ? { discounts: [discount.promotion_code ? { promotion_code: discount.promotion_code } : { coupon: discount.coupon }] }
        : {}),
    },
    { allowInactivePrices: true },
  );
  Object.assign(session, { customer: customerId, subscription: subscription.id, invoice: subscription.latest_invoice });
  complete(data.trialPeriodDays ? 'no_payment_required' : 'paid');
  return 'succeeded';
}
