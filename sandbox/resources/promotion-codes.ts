import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalBoolean, optionalInteger, optionalRecord, optionalString, rangeFilter } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { findCoupon } from '../billing/discounts';
import { findCustomer } from './customers';

function findPromotionCode(ctx: ApiContext, id: string): StripeObject {
  const promo = ctx.sandbox.store.get(ctx.scope, 'promotion_code', id);
  if (!promo) throw noSuch('promotion_code', id);
  return promo;
}

function restrictions(raw: Json | undefined): Json {
  const minimum = raw ? optionalInteger(raw, 'minimum_amount', 'restrictions[minimum_amount]', 0) : undefined;
  return {
    currency_options: {},
    first_time_transaction: raw ? (optionalBoolean(raw, 'first_time_transaction', 'restrictions[first_time_transaction]') ?? false) : false,
    minimum_amount: minimum ?? null,
    minimum_amount_currency: raw ? (optionalString(raw, 'minimum_amount_currency', 'restrictions[minimum_amount_currency]') ?? null) : null,
  };
}

export const promotionCodes: Resource = {
  name: 'promotion_codes',
  routes: [
    {
      method: 'POST',
      path: '/v1/promotion_codes',
      permission: write('promotion_code'),
      params: ['promotion', 'coupon', 'code', 'active', 'customer', 'expires_at', 'max_redemptions', 'restrictions', 'metadata'],
      handle(ctx) {
        // Current API: promotion[coupon]; older versions sent `coupon` at the top level.
        const promotion = optionalRecord(ctx.params, 'promotion');
        const couponId =
          (promotion ? optionalString(promotion, 'coupon', 'promotion[coupon]') : undefined) ?? optionalString(ctx.params, 'coupon');
        if (!couponId) throw missingParam('promotion[coupon]');
        const coupon = findCoupon(ctx, couponId, 'promotion[coupon]');
        const code = optionalString(ctx.params, 'code') ?? randomToken(8).toUpperCase();
        const taken = ctx.sandbox.store.list(
          ctx.scope,
          'promotion_code',
          (p) => p.active === true && String(p.code).toLowerCase() === code.toLowerCase(),
        );
        if (taken.length > 0) throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, undefined, 'code');
        const customer = optionalString(ctx.params, 'customer');
        if (customer) findCustomer(ctx, customer, 'customer');
        const promo: StripeObject = {
          id: newId('promo', 24),
          object: 'promotion_code',
          active: optionalBoolean(ctx.params, 'active') ?? true,
          code,
          created: ctx.sandbox.clock.now(),
          customer: customer ?? null,
          customer_account: null,
          expires_at: optionalInteger(ctx.params, 'expires_at') ?? null,
          livemode: ctx.scope.livemode,
          max_redemptions: optionalInteger(ctx.params, 'max_redemptions', 'max_redemptions', 1) ?? null,
          metadata: applyMetadata({}, ctx.params),
          promotion: { coupon: coupon.id, type: 'coupon' },
          restrictions: restrictions(optionalRecord(ctx.params, 'restrictions')),
          times_redeemed: 0,
        };
        ctx.sandbox.store.insert(ctx.scope, promo);
        ctx.sandbox.emit(ctx.scope, 'promotion_code.created', promo, { request: ctx.request });
        return promo;
      },
    },
    {
      method: 'GET',
      path: '/v1/promotion_codes/:id',
      permission: read('promotion_code'),
      params: [],
      handle: (ctx) => findPromotionCode(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/promotion_codes/:id',
      permission: write('promotion_code'),
      params: ['active', 'metadata', 'restrictions'],
      handle(ctx) {
        const promo = findPromotionCode(ctx, ctx.path.id!);
        const before = snapshot(promo);
        const active = optionalBoolean(ctx.params, 'active');
        if (active !== undefined) promo.active = active;
        promo.metadata = applyMetadata(promo.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, promo);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'promotion_code.updated', promo, { previousAttributes: previous, request: ctx.request });
        return promo;
      },
    },
    {
      method: 'GET',
      path: '/v1/promotion_codes',
      permission: read('promotion_code'),
      params: ['limit', 'starting_after', 'ending_before', 'active', 'code', 'coupon', 'customer', 'created'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const code = optionalString(ctx.params, 'code');
        const coupon = optionalString(ctx.params, 'coupon');
        const customer = optionalString(ctx.params, 'customer');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'promotion_code',
          (p) =>
            (active === undefined || p.active === active) &&
            (!code || String(p.code).toLowerCase() === code.toLowerCase()) &&
            (!coupon || (p.promotion as Json).coupon === coupon) &&
            (!customer || p.customer === customer) &&
            created(Number(p.created)),
        );
        return paginate(items, ctx.params, '/v1/promotion_codes', 'promotion_code');
      },
    },
  ],
};
