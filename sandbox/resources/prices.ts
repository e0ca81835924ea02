import { requiredCurrency } from '../core/currency';
import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { search } from '../core/search';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  optionalStringArray,
  rangeFilter,
  unsettableString,
} from '../core/params';
import { sub } from '../core/params-label';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { buildProduct, findProduct } from './products';

// Stripe's restricted-key slug for prices is `plan` (see core/permissions.ts).
const PERMISSION = 'plan';

export function findPrice(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const price = ctx.sandbox.store.get(ctx.scope, 'price', id);
  if (!price) throw noSuch('price', id, param);
  return price;
}

function recurring(raw: Json | undefined, label: string): Json | null {
  if (!raw) return null;
  const interval = optionalEnum(raw, 'interval', ['day', 'week', 'month', 'year'] as const, sub(label, 'interval'));
  if (!interval) throw missingParam(sub(label, 'interval'));
  return {
    interval,
    interval_count: optionalInteger(raw, 'interval_count', sub(label, 'interval_count'), 1) ?? 1,
    meter: null,
    trial_period_days: optionalInteger(raw, 'trial_period_days', sub(label, 'trial_period_days'), 0) ?? null,
    usage_type: optionalEnum(raw, 'usage_type', ['licensed', 'metered'] as const, sub(label, 'usage_type')) ?? 'licensed',
  };
}

/**
 * Builds and stores a price from create parameters or from inline `price_data` (with `label` the
 * parent param, e.g. "line_items[0][price_data]"). Inline `product_data` creates a product too.
 * Emits nothing: the caller knows whether this was `POST /v1/prices` or inline data.
 */
export function buildPrice(ctx: ApiContext, params: Json, label = '', options: { inline?: boolean } = {}): StripeObject {
  const currency = requiredCurrency(params, 'currency', sub(label, 'currency'));
  let productId = optionalString(params, 'product', sub(label, 'product'));
  const productData = optionalRecord(params, 'product_data', sub(label, 'product_data'));
  if (productId) findProduct(ctx, productId, sub(label, 'product'));
  else if (productData) {
    const product = buildProduct(ctx, productData, sub(label, 'product_data'));
    if (!options.inline) ctx.sandbox.emit(ctx.scope, 'product.created', product, { request: ctx.request });
    productId = product.id;
  } else throw missingParam(sub(label, 'product'));
  let unitAmount = optionalInteger(params, 'unit_amount', sub(label, 'unit_amount'), 0);
  const decimal = optionalString(params, 'unit_amount_decimal', sub(label, 'unit_amount_decimal'));
  if (unitAmount === undefined && decimal !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(decimal))
      throw invalidRequest(`Invalid decimal: ${decimal}`, 'parameter_invalid_decimal' as string, sub(label, 'unit_amount_decimal'));
    unitAmount = Math.round(Number(decimal));
  }
  if (unitAmount === undefined) throw missingParam(sub(label, 'unit_amount'));
  const rec = recurring(optionalRecord(params, 'recurring', sub(label, 'recurring')), sub(label, 'recurring'));
  const price: StripeObject = {
    id: newId('price', 24),
    object: 'price',
    // Stripe keeps ad-hoc prices from inline price_data inactive, so they never show as catalog.
    active: options.inline ? false : (optionalBoolean(params, 'active', sub(label, 'active')) ?? true),
    billing_scheme: 'per_unit',
    created: ctx.sandbox.clock.now(),
    currency,
    custom_unit_amount: null,
    livemode: ctx.scope.livemode,
    lookup_key: optionalString(params, 'lookup_key', sub(label, 'lookup_key')) ?? null,
    metadata: applyMetadata({}, params),
    nickname: optionalString(params, 'nickname', sub(label, 'nickname')) ?? null,
    product: productId,
    recurring: rec,
    tax_behavior:
      optionalEnum(params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const, sub(label, 'tax_behavior')) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: rec ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: decimal ?? String(unitAmount),
  };
  return ctx.sandbox.store.insert(ctx.scope, price);
}

const CREATE_PARAMS = [
  'currency',
  'product',
  'product_data',
  'unit_amount',
  'unit_amount_decimal',
  'recurring',
  'active',
  'lookup_key',
  'metadata',
  'nickname',
  'tax_behavior',
  'billing_scheme',
  'transfer_lookup_key',
] as const;

export const prices: Resource = {
  name: 'prices',
  routes: [
    {
      method: 'POST',
      path: '/v1/prices',
      permission: write(PERMISSION),
      params: CREATE_PARAMS,
      handle(ctx) {
        const price = buildPrice(ctx, ctx.params);
        ctx.sandbox.emit(ctx.scope, 'price.created', price, { request: ctx.request });
        return price;
      },
    },
    {
      method: 'GET',
      path: '/v1/prices/:id',
      permission: read(PERMISSION),
      params: [],
      handle: (ctx) => findPrice(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/prices/:id',
      permission: write(PERMISSION),
      params: ['active', 'metadata', 'nickname', 'lookup_key', 'tax_behavior', 'transfer_lookup_key'],
      handle(ctx) {
        const price = findPrice(ctx, ctx.path.id!);
        const before = snapshot(price);
        const active = optionalBoolean(ctx.params, 'active');
        if (active !== undefined) price.active = active;
        for (const field of ['nickname', 'lookup_key'] as const) {
          const value = unsettableString(ctx.params, field);
          if (value !== undefined) price[field] = value;
        }
        const tax = optionalEnum(ctx.params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const);
        if (tax) price.tax_behavior = tax;
        price.metadata = applyMetadata(price.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, price);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'price.updated', price, { previousAttributes: previous, request: ctx.request });
        return price;
      },
    },
    {
      method: 'GET',
      path: '/v1/prices',
      permission: read(PERMISSION),
      params: ['limit', 'starting_after', 'ending_before', 'active', 'product', 'currency', 'type', 'lookup_keys', 'created', 'recurring'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const product = optionalString(ctx.params, 'product');
        const currency = optionalString(ctx.params, 'currency');
        const type = optionalEnum(ctx.params, 'type', ['one_time', 'recurring'] as const);
        const lookupKeys = optionalStringArray(ctx.params, 'lookup_keys');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'price',
          (p) =>
            (active === undefined || p.active === active) &&
            (!product || p.product === product) &&
            (!currency || p.currency === currency) &&
            (!type || p.type === type) &&
            (!lookupKeys || lookupKeys.includes(String(p.lookup_key))) &&
            created(Number(p.created)),
        );
        return paginate(items, ctx.params, '/v1/prices', 'price');
      },
    },
    {
      method: 'GET',
      path: '/v1/prices/search',
      permission: read(PERMISSION),
      params: ['query', 'limit', 'page'],
      handle: (ctx) =>
        search(ctx.sandbox.store.list(ctx.scope, 'price'), ctx.params, '/v1/prices/search', [
          'active',
          'currency',
          'lookup_key',
          'product',
          'type',
          'id',
        ]),
    },
  ],
};
