import { invalidRequest, missingParam, noSuch } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  rangeFilter,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { planView } from '../billing/plan-view';
import { buildPrice } from './prices';

// Plans are Stripe's legacy recurring prices: one object, two views. A plan is stored as its
// price (same id), so `/v1/prices/:id` and `/v1/plans/:id` answer for the same thing, as on Stripe.

const PERMISSION = 'plan';

function findPlanPrice(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const price = ctx.sandbox.store.get(ctx.scope, 'price', id);
  if (!price || !price.recurring || ctx.sandbox.store.getRelated<boolean>(id, 'plan_deleted')) throw noSuch('plan', id, param);
  return price;
}

function emitBoth(ctx: ApiContext, action: 'created' | 'updated', price: StripeObject, previous?: Json): void {
  ctx.sandbox.emit(ctx.scope, `plan.${action}`, planView(price) as StripeObject, { previousAttributes: previous, request: ctx.request });
  ctx.sandbox.emit(ctx.scope, `price.${action}`, price, { previousAttributes: previous, request: ctx.request });
}

export const plans: Resource = {
  name: 'plans',
  routes: [
    {
      method: 'POST',
      path: '/v1/plans',
      permission: write(PERMISSION),
      params: [
        'id',
        'amount',
        'amount_decimal',
        'currency',
        'interval',
        'interval_count',
        'product',
        'nickname',
        'metadata',
        'active',
        'trial_period_days',
        'usage_type',
        'billing_scheme',
      ],
      handle(ctx) {
        const interval = optionalEnum(ctx.params, 'interval', ['day', 'week', 'month', 'year'] as const);
        if (!interval) throw missingParam('interval');
        const id = optionalString(ctx.params, 'id');
        if (id && ctx.sandbox.store.getAny(ctx.scope, id)) throw invalidRequest('Plan already exists.', 'resource_already_exists', 'id');
        const product = ctx.params.product;
        const productParams: Json =
          typeof product === 'string' ? { product } : { product_data: optionalRecord(ctx.params, 'product') ?? missing() };
        const recurring: Json = { interval };
        for (const key of ['interval_count', 'trial_period_days', 'usage_type'] as const)
          if (ctx.params[key] !== undefined) recurring[key] = ctx.params[key];
        const price = buildPrice(ctx, {
          ...productParams,
          currency: ctx.params.currency,
          unit_amount: ctx.params.amount,
          unit_amount_decimal: ctx.params.amount_decimal,
          recurring,
          nickname: ctx.params.nickname,
          metadata: ctx.params.metadata,
          active: ctx.params.active,
        });
        if (id) {
          ctx.sandbox.store.delete(price.id);
          price.id = id;
          ctx.sandbox.store.insert(ctx.scope, price);
        }
        emitBoth(ctx, 'created', price);
        return planView(price);
      },
    },
    {
      method: 'GET',
      path: '/v1/plans/:id',
      permission: read(PERMISSION),
      params: [],
      handle: (ctx) => planView(findPlanPrice(ctx, ctx.path.id!)),
    },
    {
      method: 'POST',
      path: '/v1/plans/:id',
      permission: write(PERMISSION),
      params: ['active', 'metadata', 'nickname', 'trial_period_days', 'product'],
      handle(ctx) {
        const price = findPlanPrice(ctx, ctx.path.id!);
        const before = planView(price);
        const active = optionalBoolean(ctx.params, 'active');
        if (active !== undefined) price.active = active;
        const nickname = unsettableString(ctx.params, 'nickname');
        if (nickname !== undefined) price.nickname = nickname;
        const trial = optionalInteger(ctx.params, 'trial_period_days', 'trial_period_days', 0);
        if (trial !== undefined) (price.recurring as Json).trial_period_days = trial;
        price.metadata = applyMetadata(price.metadata as Record<string, string>, ctx.params);
        const after = planView(price);
        const previous: Json = {};
        for (const key of Object.keys(after)) if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) previous[key] = before[key];
        if (Object.keys(previous).length > 0) emitBoth(ctx, 'updated', price, previous);
        return after;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/plans/:id',
      permission: write(PERMISSION),
      params: [],
      handle(ctx) {
        const price = findPlanPrice(ctx, ctx.path.id!);
        ctx.sandbox.emit(ctx.scope, 'plan.deleted', planView(price) as StripeObject, { request: ctx.request });
        ctx.sandbox.store.setRelated(price.id, 'plan_deleted', true);
        price.active = false;
        return { id: price.id, object: 'plan', deleted: true };
      },
    },
    {
      method: 'GET',
      path: '/v1/plans',
      permission: read(PERMISSION),
      params: ['limit', 'starting_after', 'ending_before', 'active', 'product', 'created'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const product = optionalString(ctx.params, 'product');
        const created = rangeFilter(ctx.params, 'created');
        const prices = ctx.sandbox.store.list(
          ctx.scope,
          'price',
          (p) =>
            Boolean(p.recurring) &&
            !ctx.sandbox.store.getRelated<boolean>(p.id, 'plan_deleted') &&
            (active === undefined || p.active === active) &&
            (!product || p.product === product) &&
            created(Number(p.created)),
        );
        const list = paginate(prices, ctx.params, '/v1/plans', 'plan');
        return { ...list, data: (list.data as StripeObject[]).map(planView) };
      },
    },
  ],
};

function missing(): never {
  throw missingParam('product');
}
