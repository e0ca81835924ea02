import { StripeApiError, invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalEnum, optionalInteger, optionalRecord, optionalString, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import {
  cardByFingerprint,
  declineMessage,
  fingerprint,
  lookupCard,
  TEST_PAYMENT_METHODS,
  TEST_TOKENS,
  type TestCard,
} from '../payments/cards';
import { bankAccountDetails, isBankAccountInput } from '../payments/bank-accounts';
import { findCustomer } from './customers';
import { consumeToken } from './tokens';

function incorrectNumber(param: string): StripeApiError {
  return new StripeApiError(402, 'card_error', 'Your card number is incorrect.', 'incorrect_number', param);
}

function billingDetails(raw: Json | undefined): Json {
  const address = (raw?.address ?? {}) as Json;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    address: {
      city: text(address.city),
      country: text(address.country),
      line1: text(address.line1),
      line2: text(address.line2),
      postal_code: text(address.postal_code),
      state: text(address.state),
    },
    email: text(raw?.email),
    name: text(raw?.name),
    phone: text(raw?.phone),
    tax_id: null,
  };
}

/** The behaviour of a stored card PaymentMethod (undefined for a non-card method or an ordinary number). */
export function cardBehaviourOf(pm: StripeObject): TestCard | undefined {
  const card = pm.card as Json | null | undefined;
  return cardByFingerprint(String(card?.fingerprint ?? ''));
}

/** Stores a card PaymentMethod for a test card number. `id` lets a customer source keep Stripe's `card_` prefix. */
export function createCardPaymentMethod(
  ctx: ApiContext,
  number: string,
  extra: { email?: string | null; name?: string | null; billing?: Json; id?: string } = {},
  param = 'card[number]',
): StripeObject {
  const card: TestCard | undefined = lookupCard(number);
  if (!card) throw incorrectNumber(param);
  const year = new Date(ctx.sandbox.clock.nowMs()).getUTCFullYear() + 3;
  const billing = billingDetails(extra.billing);
  if (extra.email) billing.email = extra.email;
  if (extra.name) billing.name = extra.name;
  const pm: StripeObject = {
    id: extra.id ?? newId('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billing,
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: card.brand,
      exp_month: 12,
      exp_year: year,
      fingerprint: fingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.sandbox.clock.now(),
    customer: null,
    customer_account: null,
    livemode: ctx.scope.livemode,
    metadata: {},
    type: 'card',
  };
  return ctx.sandbox.store.insert(ctx.scope, pm);
}

/** The card number behind a test token (`tok_visa`) or a created one; an unknown token is Stripe's 404, never a default card. */
export function tokenCardNumber(ctx: ApiContext, token: string, param: string): string {
  return TEST_TOKENS[token] ?? consumeToken(ctx, token, param);
}

/** A `pm_` id or one of Stripe's test ids (`pm_card_visa`, …), which mint a fresh PaymentMethod. */
export function resolvePaymentMethod(ctx: ApiContext, id: string, param = 'payment_method'): StripeObject {
  const testNumber = TEST_PAYMENT_METHODS[id];
  if (testNumber) return createCardPaymentMethod(ctx, testNumber, {}, param);
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', id);
  if (!pm) throw noSuch('PaymentMethod', id, param);
  return pm;
}

const DATA_TYPES = ['card', 'us_bank_account'] as const;

/**
 * A PaymentMethod from inline data, as `POST /v1/payment_methods` and `payment_method_data` take it:
 * `type=card` with a raw number (test mode) or `card[token]`, or `type=us_bank_account`.
 */
export function paymentMethodFromData(ctx: ApiContext, data: Json, prefix = ''): StripeObject {
  const label = (name: string) => (prefix ? `${prefix}[${name}]` : name);
  const type = optionalEnum(data, 'type', DATA_TYPES, label('type'));
  if (!type) throw missingParam(label('type'));
  for (const key of Object.keys(data)) {
    if (!['type', 'card', 'us_bank_account', 'billing_details', 'metadata', 'allow_redisplay'].includes(key))
      throw invalidRequest(`Received unknown parameter: ${label(key)}`, 'parameter_unknown', label(key));
  }
  const billing = optionalRecord(data, 'billing_details', label('billing_details'));
  let pm: StripeObject;
  if (type === 'us_bank_account') {
    const bank = optionalRecord(data, 'us_bank_account', label('us_bank_account'));
    if (!bank || !isBankAccountInput(bank)) throw missingParam(label('us_bank_account[account_number]'));
    pm = {
      id: newId('pm', 24),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: billingDetails(billing),
      created: ctx.sandbox.clock.now(),
      customer: null,
      customer_account: null,
      livemode: ctx.scope.livemode,
      metadata: {},
      type: 'us_bank_account',
      us_bank_account: bankAccountDetails(bank, label('us_bank_account')),
    };
    if (!(pm.billing_details as Json).name) throw missingParam(label('billing_details[name]'));
    ctx.sandbox.store.insert(ctx.scope, pm);
  } else {
    const card = optionalRecord(data, 'card', label('card'));
    if (!card) throw missingParam(label('card'));
    const token = optionalString(card, 'token', label('card[token]'));
    const number = token ? tokenCardNumber(ctx, token, label('card[token]')) : requiredString(card, 'number', label('card[number]'));
    pm = createCardPaymentMethod(ctx, number, { billing }, label('card[number]'));
    const card_ = pm.card as Json;
    const expMonth = optionalInteger(card, 'exp_month', label('card[exp_month]'));
    const expYear = optionalInteger(card, 'exp_year', label('card[exp_year]'));
    if (expMonth !== undefined) card_.exp_month = expMonth;
    if (expYear !== undefined) card_.exp_year = expYear;
  }
  pm.metadata = applyMetadata({}, data, label('metadata'));
  return pm;
}

/** Saving a card runs a check with the issuer: cards that decline outright cannot be attached. */
export function assertCardSavable(pm: StripeObject, param?: string): void {
  const card = cardBehaviourOf(pm);
  if (!card?.declinesOnSetup || !card.decline) return;
  throw new StripeApiError(402, 'card_error', declineMessage(card.decline), card.decline.code, param, {
    decline_code: card.decline.declineCode,
  });
}

/** Attaches `pm` to a customer and emits `payment_method.attached`. */
export function attachPaymentMethod(ctx: ApiContext, pm: StripeObject, customerId: string): void {
  if (pm.customer === customerId) return;
  if (pm.customer)
    throw invalidRequest('The payment method you provided has already been attached to a customer.', 'payment_method_unexpected_state');
  pm.customer = customerId;
  ctx.sandbox.emit(ctx.scope, 'payment_method.attached', pm, { request: ctx.request });
}

/**
 * The card network told Stripe about a new expiry or number (card account updater): Stripe updates
 * the saved PaymentMethod and sends `payment_method.automatically_updated`.
 */
export function automaticallyUpdate(
  ctx: ApiContext,
  pm: StripeObject,
  changes: { exp_month?: number; exp_year?: number; last4?: string },
): void {
  if (pm.type !== 'card')
    throw invalidRequest('Only card PaymentMethods are updated by the card networks.', 'payment_method_unexpected_state');
  const before = snapshot(pm);
  const card = pm.card as Json;
  const year = new Date(ctx.sandbox.clock.nowMs()).getUTCFullYear();
  card.exp_month = changes.exp_month ?? card.exp_month;
  card.exp_year = changes.exp_year ?? (changes.exp_month === undefined && changes.last4 === undefined ? year + 4 : card.exp_year);
  if (changes.last4) card.last4 = changes.last4;
  ctx.sandbox.emit(ctx.scope, 'payment_method.automatically_updated', pm, { previousAttributes: previousAttributes(before, pm) });
}

export const paymentMethods: Resource = {
  name: 'payment_methods',
  routes: [
    {
      method: 'POST',
      path: '/v1/payment_methods',
      permission: write('payment_method'),
      params: ['type', 'card', 'us_bank_account', 'billing_details', 'metadata', 'allow_redisplay'],
      handle: (ctx) => paymentMethodFromData(ctx, ctx.params),
    },
    {
      method: 'GET',
      path: '/v1/payment_methods/:id',
      permission: read('payment_method'),
      params: [],
      handle: (ctx) => resolvePaymentMethod(ctx, ctx.path.id!, 'id'),
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id',
      permission: write('payment_method'),
      params: ['metadata', 'billing_details', 'card', 'allow_redisplay'],
      handle(ctx) {
        const pm = resolvePaymentMethod(ctx, ctx.path.id!, 'id');
        const before = snapshot(pm);
        const billing = optionalRecord(ctx.params, 'billing_details');
        if (billing) pm.billing_details = { ...billingDetails({ ...(pm.billing_details as Json), ...billing }), tax_id: null };
        const card = optionalRecord(ctx.params, 'card');
        if (card) {
          if (pm.type !== 'card') throw invalidRequest('Only a card PaymentMethod takes `card`.', undefined, 'card');
          const month = optionalInteger(card, 'exp_month', 'card[exp_month]');
          const year = optionalInteger(card, 'exp_year', 'card[exp_year]');
          if (month !== undefined) (pm.card as Json).exp_month = month;
          if (year !== undefined) (pm.card as Json).exp_year = year;
        }
        const redisplay = optionalEnum(ctx.params, 'allow_redisplay', ['always', 'limited', 'unspecified'] as const);
        if (redisplay) pm.allow_redisplay = redisplay;
        pm.metadata = applyMetadata(pm.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, pm);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'payment_method.updated', pm, { previousAttributes: previous, request: ctx.request });
        return pm;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id/attach',
      permission: write('payment_method'),
      params: ['customer'],
      handle(ctx) {
        const pm = resolvePaymentMethod(ctx, ctx.path.id!, 'id');
        const customer = findCustomer(ctx, requiredString(ctx.params, 'customer'), 'customer');
        if (pm.customer && pm.customer !== customer.id)
          throw invalidRequest(
            'The payment method you provided has already been attached to a customer.',
            'payment_method_unexpected_state',
          );
        assertCardSavable(pm);
        attachPaymentMethod(ctx, pm, customer.id);
        return pm;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:id/detach',
      permission: write('payment_method'),
      params: [],
      handle(ctx) {
        const pm = resolvePaymentMethod(ctx, ctx.path.id!, 'id');
        if (!pm.customer)
          throw invalidRequest(
            'The payment method you provided is not attached to a customer so detachment is impossible.',
            'payment_method_unexpected_state',
          );
        const previous = { customer: pm.customer };
        pm.customer = null;
        ctx.sandbox.emit(ctx.scope, 'payment_method.detached', pm, { previousAttributes: previous, request: ctx.request });
        return pm;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_methods',
      permission: read('payment_method'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'type'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const type = optionalString(ctx.params, 'type');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'payment_method',
          (pm) => (!customer || pm.customer === customer) && (!type || pm.type === type),
        );
        return paginate(items, ctx.params, '/v1/payment_methods', 'payment method');
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:customer/payment_methods',
      permission: read('payment_method'),
      params: ['limit', 'starting_after', 'ending_before', 'type', 'allow_redisplay'],
      handle(ctx) {
        const customer = findCustomer(ctx, ctx.path.customer!, 'customer');
        const type = optionalString(ctx.params, 'type');
        const redisplay = optionalEnum(ctx.params, 'allow_redisplay', ['always', 'limited', 'unspecified'] as const);
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'payment_method',
          (pm) => pm.customer === customer.id && (!type || pm.type === type) && (!redisplay || pm.allow_redisplay === redisplay),
        );
        return paginate(items, ctx.params, `/v1/customers/${customer.id}/payment_methods`, 'payment method');
      },
    },
  ],
};
