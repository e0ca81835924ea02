import { noSuch, unknownParam } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  optionalStringArray,
  rangeFilter,
  requiredString,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub, previousAttributes, snapshot } from '../core/updates';
import { applyCustomerDiscount, deletedDiscount, removeCustomerDiscount } from '../billing/customer-discount';
import { findTestClock } from './test-clocks';
import { assertCardSavable, attachPaymentMethod, createCardPaymentMethod, resolvePaymentMethod, tokenCardNumber } from './payment-methods';

const FIELDS = [
  'address',
  'description',
  'email',
  'metadata',
  'name',
  'phone',
  'invoice_settings',
  'preferred_locales',
  'shipping',
  'balance',
  'tax_exempt',
  'coupon',
  'promotion_code',
  'source',
] as const;

/** Only create attaches a PaymentMethod; Stripe's update has no `payment_method`. */
const CREATE_FIELDS = [...FIELDS, 'payment_method', 'test_clock'] as const;

function emptyAddress(): Json {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}

function address(raw: Json | undefined): Json | null {
  if (!raw) return null;
  const out = emptyAddress();
  for (const key of Object.keys(out)) if (typeof raw[key] === 'string') out[key] = raw[key];
  return out;
}

export function findCustomer(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const customer = ctx.sandbox.store.get(ctx.scope, 'customer', id);
  if (!customer || customer.deleted) throw noSuch('customer', id, param);
  return customer;
}

/** Creates a customer as Checkout or the API does, and emits `customer.created`. */
export function createCustomer(
  ctx: ApiContext,
  init: { email?: string | null; name?: string | null; metadata?: Record<string, string> },
  params?: Json,
): StripeObject {
  const customer: StripeObject = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.sandbox.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: init.email ?? null,
    invoice_prefix: newId('x', 8).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: ctx.scope.livemode,
    metadata: init.metadata ?? {},
    name: init.name ?? null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  if (params) applyFields(customer, params);
  if (params) applySource(ctx, customer, params);
  // `payment_method` (create only) attaches an existing method to the new customer.
  const pmId = params ? optionalString(params, 'payment_method') : undefined;
  const pm = pmId ? resolvePaymentMethod(ctx, pmId) : undefined;
  if (pm) assertCardSavable(pm, 'payment_method');
  const clock = params ? optionalString(params, 'test_clock') : undefined;
  if (clock) customer.test_clock = findTestClock(ctx, clock, 'test_clock').id;
  ctx.sandbox.store.insert(ctx.scope, customer);
  ctx.sandbox.emit(ctx.scope, 'customer.created', customer, { request: ctx.request });
  if (pm) attachPaymentMethod(ctx, pm, customer.id);
  if (params) applyCustomerDiscount(ctx, customer, params);
  return customer;
}

/**
 * `source=tok_…` saves the token's card on the customer as its default source, as Stripe's
 * legacy Sources flow does. The card is stored as a PaymentMethod with Stripe's `card_` id, which
 * the PaymentMethods API and PaymentIntents accept the same way Stripe does.
 */
function applySource(ctx: ApiContext, customer: StripeObject, params: Json): void {
  const token = optionalString(params, 'source');
  if (token === undefined) return;
  const pm = createCardPaymentMethod(ctx, tokenCardNumber(ctx, token, 'source'), { id: newId('card', 24) }, 'source');
  assertCardSavable(pm, 'source');
  pm.customer = customer.id;
  customer.default_source = pm.id;
}

function applyFields(customer: StripeObject, params: Json): void {
  for (const field of ['description', 'email', 'name', 'phone'] as const) {
    const value = unsettableString(params, field);
    if (value !== undefined) customer[field] = value;
  }
  const addr = optionalRecord(params, 'address');
  if (addr) customer.address = address(addr);
  else if (params.address === '') customer.address = null;
  customer.metadata = applyMetadata(customer.metadata as Record<string, string>, params);
  const defaultPm = optionalString(
    optionalRecord(params, 'invoice_settings') ?? {},
    'default_payment_method',
    'invoice_settings[default_payment_method]',
  );
  if (defaultPm !== undefined) (customer.invoice_settings as Json).default_payment_method = defaultPm || null;
  const footer = unsettableString(optionalRecord(params, 'invoice_settings') ?? {}, 'footer', 'invoice_settings[footer]');
  if (footer !== undefined) (customer.invoice_settings as Json).footer = footer;
  for (const key of Object.keys(optionalRecord(params, 'invoice_settings') ?? {}))
    if (key !== 'default_payment_method' && key !== 'footer') throw unknownParam(`invoice_settings[${key}]`);
  const locales = optionalStringArray(params, 'preferred_locales');
  if (locales) customer.preferred_locales = locales;
  const balance = optionalInteger(params, 'balance');
  if (balance !== undefined) customer.balance = balance;
  const taxExempt = optionalEnum(params, 'tax_exempt', ['none', 'exempt', 'reverse'] as const);
  if (taxExempt) customer.tax_exempt = taxExempt;
  if (params.shipping === '') customer.shipping = null;
  const shipping = optionalRecord(params, 'shipping');
  if (shipping) {
    for (const key of Object.keys(shipping)) if (!['address', 'name', 'phone'].includes(key)) throw unknownParam(`shipping[${key}]`);
    customer.shipping = {
      address: address(optionalRecord(shipping, 'address', 'shipping[address]') ?? {}),
      name: requiredString(shipping, 'name', 'shipping[name]'),
      phone: optionalString(shipping, 'phone', 'shipping[phone]') ?? null,
    };
  }
}

export const customers: Resource = {
  name: 'customers',
  routes: [
    {
      method: 'POST',
      path: '/v1/customers',
      permission: write('customer'),
      params: CREATE_FIELDS,
      handle(ctx) {
        return createCustomer(ctx, {}, ctx.params);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:id',
      permission: read('customer'),
      params: [],
      handle(ctx) {
        // Stripe still answers a deleted customer's id, with the deletion stub.
        const customer = ctx.sandbox.store.get(ctx.scope, 'customer', ctx.path.id!);
        if (!customer) throw noSuch('customer', ctx.path.id!);
        return customer.deleted ? deletionStub(customer) : customer;
      },
    },
    {
      method: 'POST',
      path: '/v1/customers/:id',
      permission: write('customer'),
      params: FIELDS,
      handle(ctx) {
        const customer = findCustomer(ctx, ctx.path.id!);
        const before = snapshot(customer);
        applyFields(customer, ctx.params);
        applyCustomerDiscount(ctx, customer, ctx.params);
        applySource(ctx, customer, ctx.params);
        const previous = previousAttributes(before, customer);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'customer.updated', customer, { previousAttributes: previous, request: ctx.request });
        return customer;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/customers/:id',
      permission: write('customer'),
      params: [],
      handle(ctx) {
        const customer = findCustomer(ctx, ctx.path.id!);
        ctx.sandbox.emit(ctx.scope, 'customer.deleted', customer, { request: ctx.request });
        customer.deleted = true;
        return deletionStub(customer);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/customers/:id/discount',
      permission: write('customer'),
      params: [],
      handle(ctx) {
        const customer = findCustomer(ctx, ctx.path.id!);
        const removed = removeCustomerDiscount(ctx, customer);
        if (!removed) throw noSuch('discount', `${customer.id}/discount`);
        return deletedDiscount(removed);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers',
      permission: read('customer'),
      params: ['limit', 'starting_after', 'ending_before', 'email', 'created', 'test_clock'],
      handle(ctx) {
        const email = optionalString(ctx.params, 'email');
        const clock = optionalString(ctx.params, 'test_clock');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'customer',
          (c) =>
            !c.deleted && (email === undefined || c.email === email) && (!clock || c.test_clock === clock) && created(Number(c.created)),
        );
        return paginate(items, ctx.params, '/v1/customers', 'customer');
      },
    },
  ],
};
