import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalArray,
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
import { previousAttributes, snapshot } from '../core/updates';

const INTERVALS = ['per_authorization', 'daily', 'weekly', 'monthly', 'yearly', 'all_time'] as const;

function only(raw: Json, allowed: readonly string[], label: string): void {
  for (const key of Object.keys(raw))
    if (!allowed.includes(key))
      throw invalidRequest(`Received unknown parameter: ${label}[${key}]`, 'parameter_unknown', `${label}[${key}]`);
}

/** `spending_controls` as cardholders and cards take it; amounts are integer minor units. */
export function parseSpendingControls(raw: Json, current: Json): Json {
  only(raw, ['allowed_categories', 'blocked_categories', 'spending_limits', 'spending_limits_currency'], 'spending_controls');
  const next = { ...current };
  for (const field of ['allowed_categories', 'blocked_categories'] as const) {
    const list = optionalStringArray(raw, field, `spending_controls[${field}]`);
    if (list) next[field] = list;
  }
  const limits = optionalArray(raw, 'spending_limits', 'spending_controls[spending_limits]');
  if (limits) {
    next.spending_limits = limits.map((item, i) => {
      const label = `spending_controls[spending_limits][${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidRequest('Invalid object', undefined, label);
      const limit = item as Json;
      only(limit, ['amount', 'interval', 'categories'], label);
      const amount = optionalInteger(limit, 'amount', `${label}[amount]`, 0);
      if (amount === undefined) throw missingParam(`${label}[amount]`);
      const interval = optionalEnum(limit, 'interval', INTERVALS, `${label}[interval]`);
      if (!interval) throw missingParam(`${label}[interval]`);
      return { amount, categories: optionalStringArray(limit, 'categories', `${label}[categories]`) ?? null, interval };
    });
  }
  const currency = optionalString(raw, 'spending_limits_currency', 'spending_controls[spending_limits_currency]');
  if (currency) next.spending_limits_currency = currency.toLowerCase();
  return next;
}

function parseBilling(raw: Json): Json {
  only(raw, ['address'], 'billing');
  const address = optionalRecord(raw, 'address', 'billing[address]');
  if (!address) throw missingParam('billing[address]');
  only(address, ['city', 'country', 'line1', 'line2', 'postal_code', 'state'], 'billing[address]');
  const required = (field: string) => requiredString(address, field, `billing[address][${field}]`);
  return {
    address: {
      city: required('city'),
      country: required('country'),
      line1: required('line1'),
      line2: optionalString(address, 'line2', 'billing[address][line2]') ?? null,
      postal_code: required('postal_code'),
      state: optionalString(address, 'state', 'billing[address][state]') ?? null,
    },
  };
}

function parseIndividual(raw: Json, current: Json | null): Json {
  only(raw, ['first_name', 'last_name', 'dob'], 'individual');
  const dob = optionalRecord(raw, 'dob', 'individual[dob]');
  const base = current ?? { dob: null, first_name: null, last_name: null, verification: null };
  return {
    ...base,
    first_name: optionalString(raw, 'first_name', 'individual[first_name]') ?? base.first_name,
    last_name: optionalString(raw, 'last_name', 'individual[last_name]') ?? base.last_name,
    dob: dob
      ? {
          day: optionalInteger(dob, 'day', 'individual[dob][day]') ?? null,
          month: optionalInteger(dob, 'month', 'individual[dob][month]') ?? null,
          year: optionalInteger(dob, 'year', 'individual[dob][year]') ?? null,
        }
      : base.dob,
  };
}

export function findCardholder(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const cardholder = ctx.sandbox.store.get(ctx.scope, 'issuing.cardholder', id);
  if (!cardholder) throw noSuch('issuing.cardholder', id, param);
  return cardholder;
}

const FIELDS = [
  'email',
  'phone_number',
  'metadata',
  'status',
  'individual',
  'spending_controls',
  'preferred_locales',
  'billing',
  'company',
];

function applyFields(ctx: ApiContext, cardholder: StripeObject): void {
  for (const field of ['email', 'phone_number'] as const) {
    const value = unsettableString(ctx.params, field);
    if (value !== undefined) cardholder[field] = value;
  }
  const status = optionalEnum(ctx.params, 'status', ['active', 'inactive'] as const);
  if (status) cardholder.status = status;
  const billing = optionalRecord(ctx.params, 'billing');
  if (billing) cardholder.billing = parseBilling(billing);
  const individual = optionalRecord(ctx.params, 'individual');
  if (individual) cardholder.individual = parseIndividual(individual, cardholder.individual as Json | null);
  const company = optionalRecord(ctx.params, 'company');
  if (company) {
    only(company, ['tax_id'], 'company');
    cardholder.company = { tax_id_provided: optionalString(company, 'tax_id', 'company[tax_id]') !== undefined };
  }
  const controls = optionalRecord(ctx.params, 'spending_controls');
  if (controls) cardholder.spending_controls = parseSpendingControls(controls, cardholder.spending_controls as Json);
  const locales = optionalStringArray(ctx.params, 'preferred_locales');
  if (locales) cardholder.preferred_locales = locales;
  cardholder.metadata = applyMetadata(cardholder.metadata as Record<string, string>, ctx.params);
}

export const issuingCardholders: Resource = {
  name: 'issuing_cardholders',
  routes: [
    {
      method: 'POST',
      path: '/v1/issuing/cardholders',
      permission: write('issuing_cardholder'),
      params: ['name', 'type', ...FIELDS],
      handle(ctx) {
        const name = requiredString(ctx.params, 'name');
        if (!optionalRecord(ctx.params, 'billing')) throw missingParam('billing');
        const cardholder: StripeObject = {
          id: newId('ich', 24),
          object: 'issuing.cardholder',
          billing: null,
          company: null,
          created: ctx.sandbox.clock.now(),
          email: null,
          individual: null,
          livemode: ctx.scope.livemode,
          metadata: {},
          name,
          phone_number: null,
          preferred_locales: [],
          requirements: { disabled_reason: null, past_due: [] },
          spending_controls: {
            allowed_card_presences: null,
            allowed_categories: [],
            allowed_merchant_countries: [],
            blocked_card_presences: null,
            blocked_categories: [],
            blocked_merchant_countries: [],
            spending_limits: [],
            spending_limits_currency: null,
          },
          status: 'active',
          type: optionalEnum(ctx.params, 'type', ['individual', 'company'] as const) ?? 'individual',
        };
        applyFields(ctx, cardholder);
        ctx.sandbox.store.insert(ctx.scope, cardholder);
        ctx.sandbox.emit(ctx.scope, 'issuing_cardholder.created', cardholder, { request: ctx.request });
        return cardholder;
      },
    },
    {
      method: 'GET',
      path: '/v1/issuing/cardholders/:id',
      permission: read('issuing_cardholder'),
      params: [],
      handle: (ctx) => findCardholder(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/issuing/cardholders/:id',
      permission: write('issuing_cardholder'),
      params: FIELDS,
      handle(ctx) {
        const cardholder = findCardholder(ctx, ctx.path.id!);
        const before = snapshot(cardholder);
        applyFields(ctx, cardholder);
        const previous = previousAttributes(before, cardholder);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'issuing_cardholder.updated', cardholder, { previousAttributes: previous, request: ctx.request });
        return cardholder;
      },
    },
    {
      method: 'GET',
      path: '/v1/issuing/cardholders',
      permission: read('issuing_cardholder'),
      params: ['limit', 'starting_after', 'ending_before', 'email', 'phone_number', 'status', 'type', 'created'],
      handle(ctx) {
        const email = optionalString(ctx.params, 'email');
        const phone = optionalString(ctx.params, 'phone_number');
        const status = optionalEnum(ctx.params, 'status', ['active', 'inactive', 'blocked'] as const);
        const type = optionalEnum(ctx.params, 'type', ['individual', 'company'] as const);
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'issuing.cardholder',
          (h) =>
            (!email || h.email === email) &&
            (!phone || h.phone_number === phone) &&
            (!status || h.status === status) &&
            (!type || h.type === type) &&
            created(Number(h.created)),
        );
        return paginate(items, ctx.params, '/v1/issuing/cardholders', 'issuing.cardholder');
      },
    },
  ],
};
