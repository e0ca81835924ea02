import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { clone, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalEnum, optionalInteger, optionalRecord, optionalString, rangeFilter, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { findCardholder, parseSpendingControls } from './issuing-cardholders';

// Issuing cards carry their cardholder as a whole object (not an id), as Stripe returns them.
// A canceled card stays canceled; Stripe issues a replacement instead of reactivating it.

const STATUSES = ['active', 'inactive', 'canceled'] as const;

function findCard(ctx: ApiContext, id: string): StripeObject {
  const card = ctx.sandbox.store.get(ctx.scope, 'issuing.card', id);
  if (!card) throw noSuch('issuing.card', id);
  return card;
}

function parseShipping(raw: Json): Json {
  for (const key of Object.keys(raw))
    if (!['address', 'name', 'service', 'type'].includes(key))
      throw invalidRequest(`Received unknown parameter: shipping[${key}]`, 'parameter_unknown', `shipping[${key}]`);
  const address = optionalRecord(raw, 'address', 'shipping[address]');
  if (!address) throw missingParam('shipping[address]');
  const text = (field: string) => optionalString(address, field, `shipping[address][${field}]`) ?? null;
  return {
    address: {
      city: text('city'),
      country: text('country'),
      line1: text('line1'),
      line2: text('line2'),
      postal_code: text('postal_code'),
      state: text('state'),
    },
    address_validation: null,
    carrier: null,
    customs: null,
    eta: null,
    name: requiredString(raw, 'name', 'shipping[name]'),
    phone_number: null,
    require_signature: null,
    service: optionalEnum(raw, 'service', ['express', 'priority', 'standard'] as const, 'shipping[service]') ?? 'standard',
    status: 'pending',
    tracking_number: null,
    tracking_url: null,
    type: optionalEnum(raw, 'type', ['bulk', 'individual'] as const, 'shipping[type]') ?? 'individual',
  };
}

function applyStatus(ctx: ApiContext, card: StripeObject): void {
  const status = optionalEnum(ctx.params, 'status', STATUSES);
  const reason = optionalEnum(ctx.params, 'cancellation_reason', ['lost', 'stolen'] as const);
  if (reason && status !== 'canceled')
    throw invalidRequest('`cancellation_reason` goes with `status=canceled`.', undefined, 'cancellation_reason');
  if (!status) return;
  if (card.status === 'canceled' && status !== 'canceled')
    throw invalidRequest('This card has been canceled and cannot be reactivated.', undefined, 'status');
  card.status = status;
  if (status === 'canceled') card.cancellation_reason = reason ?? null;
}

export const issuingCards: Resource = {
  name: 'issuing_cards',
  routes: [
    {
      method: 'POST',
      path: '/v1/issuing/cards',
      permission: write('issuing_card'),
      params: ['cardholder', 'currency', 'type', 'status', 'metadata', 'shipping', 'spending_controls'],
      handle(ctx) {
        const currency = requiredString(ctx.params, 'currency').toLowerCase();
        const type = optionalEnum(ctx.params, 'type', ['physical', 'virtual'] as const);
        if (!type) throw missingParam('type');
        const cardholderId = optionalString(ctx.params, 'cardholder');
        if (!cardholderId) throw missingParam('cardholder');
        const cardholder = findCardholder(ctx, cardholderId, 'cardholder');
        const shipping = optionalRecord(ctx.params, 'shipping');
        if (type === 'physical' && !shipping) throw missingParam('shipping');
        if (type === 'virtual' && shipping)
          throw invalidRequest('Virtual cards are not shipped: leave out `shipping`.', undefined, 'shipping');
        const expiry = new Date(ctx.sandbox.clock.nowMs());
        const card: StripeObject = {
          id: newId('ic', 24),
          object: 'issuing.card',
          brand: 'Visa',
          cancellation_reason: null,
          cardholder: clone(cardholder),
          created: ctx.sandbox.clock.now(),
          currency,
          exp_month: expiry.getUTCMonth() + 1,
          exp_year: expiry.getUTCFullYear() + 3,
          last4: String(Math.floor(1000 + Math.random() * 9000)),
          latest_fraud_warning: null,
          lifecycle_controls: null,
          livemode: ctx.scope.livemode,
          metadata: {},
          personalization_design: null,
          replaced_by: null,
          replacement_for: null,
          replacement_reason: null,
          second_line: null,
          shipping: shipping ? parseShipping(shipping) : null,
          spending_controls: {
            allowed_card_presences: null,
            allowed_categories: null,
            allowed_merchant_countries: null,
            blocked_card_presences: null,
            blocked_categories: null,
            blocked_merchant_countries: null,
            spending_limits: [],
            spending_limits_currency: null,
          },
          // Stripe creates cards inactive unless asked otherwise.
          status: 'inactive',
          type,
          wallets: {
            apple_pay: { eligible: false, ineligible_reason: 'missing_agreement' },
            google_pay: { eligible: false, ineligible_reason: 'missing_agreement' },
            primary_account_identifier: null,
          },
        };
        applyStatus(ctx, card);
        const controls = optionalRecord(ctx.params, 'spending_controls');
        if (controls) card.spending_controls = parseSpendingControls(controls, card.spending_controls as Json);
        card.metadata = applyMetadata({}, ctx.params);
        ctx.sandbox.store.insert(ctx.scope, card);
        ctx.sandbox.emit(ctx.scope, 'issuing_card.created', card, { request: ctx.request });
        return card;
      },
    },
    {
      method: 'GET',
      path: '/v1/issuing/cards/:id',
      permission: read('issuing_card'),
      params: [],
      handle: (ctx) => findCard(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/issuing/cards/:id',
      permission: write('issuing_card'),
      params: ['status', 'cancellation_reason', 'metadata', 'spending_controls'],
      handle(ctx) {
        const card = findCard(ctx, ctx.path.id!);
        const before = snapshot(card);
        applyStatus(ctx, card);
        const controls = optionalRecord(ctx.params, 'spending_controls');
        if (controls) card.spending_controls = parseSpendingControls(controls, card.spending_controls as Json);
        card.metadata = applyMetadata(card.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, card);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'issuing_card.updated', card, { previousAttributes: previous, request: ctx.request });
        return card;
      },
    },
    {
      method: 'GET',
      path: '/v1/issuing/cards',
      permission: read('issuing_card'),
      params: ['limit', 'starting_after', 'ending_before', 'cardholder', 'status', 'type', 'last4', 'exp_month', 'exp_year', 'created'],
      handle(ctx) {
        const cardholder = optionalString(ctx.params, 'cardholder');
        const status = optionalEnum(ctx.params, 'status', STATUSES);
        const type = optionalEnum(ctx.params, 'type', ['physical', 'virtual'] as const);
        const last4 = optionalString(ctx.params, 'last4');
        const expMonth = optionalInteger(ctx.params, 'exp_month');
        const expYear = optionalInteger(ctx.params, 'exp_year');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'issuing.card',
          (c) =>
            (!cardholder || (c.cardholder as Json).id === cardholder) &&
            (!status || c.status === status) &&
            (!type || c.type === type) &&
            (!last4 || c.last4 === last4) &&
            (expMonth === undefined || c.exp_month === expMonth) &&
            (expYear === undefined || c.exp_year === expYear) &&
            created(Number(c.created)),
        );
        return paginate(items, ctx.params, '/v1/issuing/cards', 'issuing.card');
      },
    },
  ],
};
