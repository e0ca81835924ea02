import { invalidRequest, missingParam } from '../core/errors';
import { randomToken } from '../core/ids';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalEnum, optionalInteger, optionalString, rangeFilter, unsettableString } from '../core/params';
import { read, write, type Resource } from '../core/resource';
import { deletionStub, previousAttributes, snapshot } from '../core/updates';
import { findCoupon } from '../billing/discounts';

/** Stripe takes percent_off with up to two decimals, in (0, 100]. */
function percentOff(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(raw) || Number(raw) <= 0 || Number(raw) > 100)
    throw invalidRequest(
      'percent_off must be a number greater than 0 and at most 100, with at most two decimals.',
      undefined,
      'percent_off',
    );
  return Number(raw);
}

export const coupons: Resource = {
  name: 'coupons',
  routes: [
    {
      method: 'POST',
      path: '/v1/coupons',
      permission: write('coupon'),
      params: [
        'id',
        'percent_off',
        'amount_off',
        'currency',
        'duration',
        'duration_in_months',
        'max_redemptions',
        'redeem_by',
        'name',
        'metadata',
        'applies_to',
        'currency_options',
      ],
      handle(ctx) {
        const percent = percentOff(optionalString(ctx.params, 'percent_off'));
        const amountOff = optionalInteger(ctx.params, 'amount_off', 'amount_off', 1);
        if (percent === undefined && amountOff === undefined) throw missingParam('percent_off');
        if (percent !== undefined && amountOff !== undefined)
          throw invalidRequest('A coupon takes either percent_off or amount_off, not both.', undefined, 'amount_off');
        const currency = optionalString(ctx.params, 'currency')?.toLowerCase();
        if (amountOff !== undefined && !currency) throw missingParam('currency');
        const duration = optionalEnum(ctx.params, 'duration', ['forever', 'once', 'repeating'] as const) ?? 'once';
        const months = optionalInteger(ctx.params, 'duration_in_months', 'duration_in_months', 1);
        if (duration === 'repeating' && months === undefined) throw missingParam('duration_in_months');
        const id = optionalString(ctx.params, 'id') ?? randomToken(8);
        if (ctx.sandbox.store.get(ctx.scope, 'coupon', id)) throw invalidRequest('Coupon already exists.', 'resource_already_exists', 'id');
        const coupon: StripeObject = {
          id,
          object: 'coupon',
          amount_off: amountOff ?? null,
          created: ctx.sandbox.clock.now(),
          currency: amountOff !== undefined ? currency! : null,
          duration,
          duration_in_months: duration === 'repeating' ? months! : null,
          livemode: ctx.scope.livemode,
          max_redemptions: optionalInteger(ctx.params, 'max_redemptions', 'max_redemptions', 1) ?? null,
          metadata: applyMetadata({}, ctx.params),
          name: optionalString(ctx.params, 'name') ?? null,
          percent_off: percent ?? null,
          redeem_by: optionalInteger(ctx.params, 'redeem_by') ?? null,
          times_redeemed: 0,
          valid: true,
        };
        ctx.sandbox.store.insert(ctx.scope, coupon);
        ctx.sandbox.emit(ctx.scope, 'coupon.created', coupon, { request: ctx.request });
        return coupon;
      },
    },
    {
      method: 'GET',
      path: '/v1/coupons/:id',
      permission: read('coupon'),
      params: [],
      handle: (ctx) => findCoupon(ctx, ctx.path.id!, 'id'),
    },
    {
      method: 'POST',
      path: '/v1/coupons/:id',
      permission: write('coupon'),
      params: ['name', 'metadata', 'currency_options'],
      handle(ctx) {
        const coupon = findCoupon(ctx, ctx.path.id!, 'id');
        const before = snapshot(coupon);
        const name = unsettableString(ctx.params, 'name');
        if (name !== undefined) coupon.name = name;
        coupon.metadata = applyMetadata(coupon.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, coupon);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'coupon.updated', coupon, { previousAttributes: previous, request: ctx.request });
        return coupon;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/coupons/:id',
      permission: write('coupon'),
      params: [],
      handle(ctx) {
        const coupon = findCoupon(ctx, ctx.path.id!, 'id');
        // Existing discounts keep working, as on Stripe; the coupon can no longer be redeemed.
        ctx.sandbox.emit(ctx.scope, 'coupon.deleted', coupon, { request: ctx.request });
        coupon.deleted = true;
        coupon.valid = false;
        return deletionStub(coupon);
      },
    },
    {
      method: 'GET',
      path: '/v1/coupons',
      permission: read('coupon'),
      params: ['limit', 'starting_after', 'ending_before', 'created'],
      handle(ctx) {
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(ctx.scope, 'coupon', (c) => !c.deleted && created(Number(c.created)));
        return paginate(items, ctx.params, '/v1/coupons', 'coupon');
      },
    },
  ],
};
