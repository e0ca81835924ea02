import { invalidRequest, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { search } from '../core/search';
import {
  applyMetadata,
  optionalBoolean,
  optionalRecord,
  optionalString,
  optionalStringArray,
  rangeFilter,
  requiredString,
  unsettableString,
} from '../core/params';
import { sub } from '../core/params-label';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub, previousAttributes, snapshot } from '../core/updates';
import { buildPrice } from './prices';

const WRITABLE = [
  'active',
  'description',
  'metadata',
  'name',
  'images',
  'url',
  'unit_label',
  'statement_descriptor',
  'tax_code',
  'shippable',
  'marketing_features',
  'package_dimensions',
] as const;

export function findProduct(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const product = ctx.sandbox.store.get(ctx.scope, 'product', id);
  if (!product || product.deleted) throw noSuch('product', id, param);
  return product;
}

/** Inserts a product without emitting (the caller decides: inline `product_data` emits nothing). */
export function buildProduct(ctx: ApiContext, params: Json, label = ''): StripeObject {
  const now = ctx.sandbox.clock.now();
  const product: StripeObject = {
    id: optionalString(params, 'id', sub(label, 'id')) ?? newId('prod', 14),
    object: 'product',
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: ctx.scope.livemode,
    marketing_features: [],
    metadata: {},
    name: requiredString(params, 'name', sub(label, 'name')),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  if (ctx.sandbox.store.getAny(ctx.scope, product.id))
    throw invalidRequest(`Product already exists.`, 'resource_already_exists', sub(label, 'id'));
  applyFields(product, params, label);
  return ctx.sandbox.store.insert(ctx.scope, product);
}

function applyFields(product: StripeObject, params: Json, label = ''): void {
  if (params.name !== undefined) product.name = requiredString(params, 'name', sub(label, 'name'));
  for (const field of ['description', 'url', 'unit_label', 'statement_descriptor', 'tax_code'] as const) {
    const value = unsettableString(params, field, sub(label, field));
    if (value !== undefined) product[field] = value;
  }
  const active = optionalBoolean(params, 'active', sub(label, 'active'));
  if (active !== undefined) product.active = active;
  const shippable = optionalBoolean(params, 'shippable', sub(label, 'shippable'));
  if (shippable !== undefined) product.shippable = shippable;
  const images = optionalStringArray(params, 'images', sub(label, 'images'));
  if (images) product.images = images;
  product.metadata = applyMetadata(product.metadata as Record<string, string>, params, 'metadata');
}

const ROUTE_PARAMS = [...WRITABLE, 'id', 'default_price_data', 'type'] as const;

export const products: Resource = {
  name: 'products',
  routes: [
    {
      method: 'POST',
      path: '/v1/products',
      permission: write('product'),
      params: ROUTE_PARAMS,
      handle(ctx) {
        const product = buildProduct(ctx, ctx.params);
        ctx.sandbox.emit(ctx.scope, 'product.created', product, { request: ctx.request });
        const priceData = optionalRecord(ctx.params, 'default_price_data');
        if (priceData) {
          const price = buildPrice(ctx, { ...priceData, product: product.id }, 'default_price_data');
          ctx.sandbox.emit(ctx.scope, 'price.created', price, { request: ctx.request });
          const before = snapshot(product);
          product.default_price = price.id;
          ctx.sandbox.emit(ctx.scope, 'product.updated', product, {
            previousAttributes: previousAttributes(before, product),
            request: ctx.request,
          });
        }
        return product;
      },
    },
    {
      method: 'GET',
      path: '/v1/products/:id',
      permission: read('product'),
      params: [],
      handle(ctx) {
        const product = ctx.sandbox.store.get(ctx.scope, 'product', ctx.path.id!);
        if (!product) throw noSuch('product', ctx.path.id!);
        return product.deleted ? deletionStub(product) : product;
      },
    },
    {
      method: 'POST',
      path: '/v1/products/:id',
      permission: write('product'),
      params: [...WRITABLE, 'default_price'],
      handle(ctx) {
        const product = findProduct(ctx, ctx.path.id!);
        const before = snapshot(product);
        applyFields(product, ctx.params);
        const defaultPrice = unsettableString(ctx.params, 'default_price');
        if (defaultPrice) {
          const price = ctx.sandbox.store.get(ctx.scope, 'price', defaultPrice);
          if (!price || price.product !== product.id) throw noSuch('price', defaultPrice, 'default_price');
          product.default_price = defaultPrice;
        } else if (defaultPrice === null) product.default_price = null;
        const previous = previousAttributes(before, product);
        if (Object.keys(previous).length > 0) {
          product.updated = ctx.sandbox.clock.now();
          ctx.sandbox.emit(ctx.scope, 'product.updated', product, {
            previousAttributes: previousAttributes(before, product),
            request: ctx.request,
          });
        }
        return product;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/products/:id',
      permission: write('product'),
      params: [],
      handle(ctx) {
        const product = findProduct(ctx, ctx.path.id!);
        const prices = ctx.sandbox.store.list(ctx.scope, 'price', (p) => p.product === product.id);
        if (prices.length > 0) {
          throw invalidRequest(
            'This product cannot be deleted because it has one or more user-created prices.',
            'product_has_prices' as string,
            'id',
          );
        }
        ctx.sandbox.emit(ctx.scope, 'product.deleted', product, { request: ctx.request });
        product.deleted = true;
        return deletionStub(product);
      },
    },
    {
      method: 'GET',
      path: '/v1/products',
      permission: read('product'),
      params: ['limit', 'starting_after', 'ending_before', 'active', 'ids', 'created', 'shippable', 'url'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const ids = optionalStringArray(ctx.params, 'ids');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'product',
          (p) => !p.deleted && (active === undefined || p.active === active) && (!ids || ids.includes(p.id)) && created(Number(p.created)),
        );
        return paginate(items, ctx.params, '/v1/products', 'product');
      },
    },
    {
      method: 'GET',
      path: '/v1/products/search',
      permission: read('product'),
      params: ['query', 'limit', 'page'],
      handle: (ctx) =>
        search(
          ctx.sandbox.store.list(ctx.scope, 'product', (p) => !p.deleted),
          ctx.params,
          '/v1/products/search',
          ['active', 'description', 'name', 'shippable', 'url', 'id'],
        ),
    },
  ],
};
