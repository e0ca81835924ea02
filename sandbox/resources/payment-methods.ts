import { StripeApiError, invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalEnum, optionalRecord, optionalString, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { fingerprint, lookupCard, TEST_PAYMENT_METHODS, type TestCard } from '../payments/cards';
import { findCustomer } from './customers';

function incorrectNumber(param: string): StripeApiError {
  return new StripeApiError(402, 'card_error', 'Your card number is incorrect.', 'incorrect_number', param);
}

/** Stores a card PaymentMethod for a test card number. */
export function createCardPaymentMethod(
  ctx: ApiContext,
  number: string,
  extra: { email?: string | null; name?: string | null } = {},
  param = 'card[number]',
): StripeObject {
  const card: TestCard | undefined = lookupCard(number);
  if (!card) throw incorrectNumber(param);
  const year = new Date(ctx.sandbox.clock.nowMs()).getUTCFullYear() + 3;
  const pm: StripeObject = {
    id: newId('pm', 24),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: extra.email ?? null,
      name: extra.name ?? null,
      phone: null,
      tax_id: null,
    },
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

/** A `pm_` id or one of Stripe's test ids (`pm_card_visa`, …), which mint a fresh PaymentMethod. */
export function resolvePaymentMethod(ctx: ApiContext, id: string, param = 'payment_method'): StripeObject {
  const testNumber = TEST_PAYMENT_METHODS[id];
  if (testNumber) return createCardPaymentMethod(ctx, testNumber, {}, param);
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', id);
  if (!pm) throw noSuch('PaymentMethod', id, param);
  return pm;
}

export const paymentMethods: Resource = {
  name: 'payment_methods',
  routes: [
    {
      method: 'POST',
      path: '/v1/payment_methods',
      permission: write('payment_method'),
      params: ['type', 'card', 'billing_details', 'metadata'],
      handle(ctx) {
        const type = optionalEnum(ctx.params, 'type', ['card'] as const);
        if (!type) throw missingParam('type');
        const card = optionalRecord(ctx.params, 'card');
        if (!card) throw missingParam('card');
        // Stripe.js sends raw numbers in test mode; a test token id is accepted the same way.
        const token = optionalString(card, 'token', 'card[token]');
        const number = token
          ? (TEST_PAYMENT_METHODS[token.replace(/^tok_/, 'pm_card_')] ?? '4242424242424242')
          : requiredString(card, 'number', 'card[number]');
        const billing = optionalRecord(ctx.params, 'billing_details') ?? {};
        const pm = createCardPaymentMethod(ctx, number, {
          email: optionalString(billing, 'email') ?? null,
          name: optionalString(billing, 'name') ?? null,
        });
        pm.metadata = applyMetadata({}, ctx.params);
        return pm;
      },
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
      path: '/v1/payment_methods/:id/attach',
      permission: write('payment_method'),
      params: ['customer'],
      handle(ctx) {
        const pm = resolvePaymentMethod(ctx, ctx.path.id!, 'id');
        const customer = findCustomer(ctx, requiredString(ctx.params, 'customer'), 'customer');
        if (pm.customer && pm.customer !== customer.id)
          throw invalidRequest(
            'The payment method you provided has already been attached to a customer.',
            'payment_method_unexpected_state' as string,
          );
        pm.customer = customer.id;
        ctx.sandbox.emit(ctx.scope, 'payment_method.attached', pm, { request: ctx.request });
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
            'payment_method_unexpected_state' as string,
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
  ],
};
