import { requiredCurrency } from '../core/currency';
import { invalidRequest, noSuch } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalString,
  optionalStringArray,
  rangeFilter,
  requiredInteger,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { confirmPaymentIntent } from '../payments/payment-engine';
import { findCustomer } from './customers';
import { resolvePaymentMethod } from './payment-methods';

const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

export function findPaymentIntent(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const pi = ctx.sandbox.store.get(ctx.scope, 'payment_intent', id);
  if (!pi) throw noSuch('payment_intent', id, param);
  return pi;
}

export interface PaymentIntentInit {
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  receiptEmail?: string | null;
  paymentMethodTypes?: string[];
}

/** Stores a new PaymentIntent and emits `payment_intent.created`. */
export function createPaymentIntent(ctx: ApiContext, init: PaymentIntentInit): StripeObject {
  // Stripe's minimum charge is about 50 cents in the currency's minor unit.
  if (!ZERO_DECIMAL.has(init.currency) && init.amount < 50) {
    throw invalidRequest(`Amount must be at least 50 cents`, 'amount_too_small', 'amount');
  }
  const id = newId('pi', 24);
  const pi: StripeObject = {
    id,
    object: 'payment_intent',
    amount: init.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: init.paymentMethodTypes ? null : { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: ctx.sandbox.clock.now(),
    currency: init.currency,
    customer: init.customer ?? null,
    customer_account: null,
    description: init.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: ctx.scope.livemode,
    managed_payments: null,
    metadata: init.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: init.paymentMethodTypes ?? ['card'],
    processing: null,
    receipt_email: init.receiptEmail ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  ctx.sandbox.store.insert(ctx.scope, pi);
  ctx.sandbox.emit(ctx.scope, 'payment_intent.created', pi, { request: ctx.request });
  return pi;
}

function confirmWithParams(ctx: ApiContext, pi: StripeObject): void {
  const pmId = optionalString(ctx.params, 'payment_method') ?? (pi.payment_method as string | null);
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      'payment_intent_unexpected_state',
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId);
  confirmPaymentIntent(ctx, pi, pm, { returnUrl: optionalString(ctx.params, 'return_url') ?? null });
}

const CREATE_PARAMS = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'payment_method_types',
  'confirm',
  'receipt_email',
  'automatic_payment_methods',
  'return_url',
  'capture_method',
  'setup_future_usage',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'off_session',
  'confirmation_method',
  'transfer_group',
  'payment_method_options',
] as const;

export const paymentIntents: Resource = {
  name: 'payment_intents',
  routes: [
    {
      method: 'POST',
      path: '/v1/payment_intents',
      permission: write('payment_intent'),
      params: CREATE_PARAMS,
      handle(ctx) {
        const amount = requiredInteger(ctx.params, 'amount', 'amount', 0);
        const currency = requiredCurrency(ctx.params, 'currency');
        const customerId = optionalString(ctx.params, 'customer');
        if (customerId) findCustomer(ctx, customerId, 'customer');
        const pi = createPaymentIntent(ctx, {
          amount,
          currency,
          customer: customerId ?? null,
          description: optionalString(ctx.params, 'description') ?? null,
          metadata: applyMetadata({}, ctx.params),
          receiptEmail: optionalString(ctx.params, 'receipt_email') ?? null,
          paymentMethodTypes: optionalStringArray(ctx.params, 'payment_method_types'),
        });
        const pmId = optionalString(ctx.params, 'payment_method');
        if (pmId) {
          pi.payment_method = resolvePaymentMethod(ctx, pmId).id;
          pi.status = 'requires_confirmation';
        }
        if (optionalBoolean(ctx.params, 'confirm')) confirmWithParams(ctx, pi);
        return pi;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_intents/:id',
      permission: read('payment_intent'),
      params: ['client_secret'],
      handle: (ctx) => findPaymentIntent(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id',
      permission: write('payment_intent'),
      params: [
        'amount',
        'currency',
        'customer',
        'description',
        'metadata',
        'payment_method',
        'receipt_email',
        'payment_method_types',
        'statement_descriptor',
        'setup_future_usage',
      ],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        const before = snapshot(pi);
        if (ctx.params.amount !== undefined) pi.amount = requiredInteger(ctx.params, 'amount', 'amount', 0);
        for (const field of ['description', 'receipt_email'] as const) {
          const value = unsettableString(ctx.params, field);
          if (value !== undefined) pi[field] = value;
        }
        const customerId = optionalString(ctx.params, 'customer');
        if (customerId) pi.customer = findCustomer(ctx, customerId, 'customer').id;
        const pmId = optionalString(ctx.params, 'payment_method');
        if (pmId) pi.payment_method = resolvePaymentMethod(ctx, pmId).id;
        pi.metadata = applyMetadata(pi.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, pi);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'payment_intent.updated', pi, { previousAttributes: previous, request: ctx.request });
        return pi;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/confirm',
      permission: write('payment_intent'),
      params: [
        'payment_method',
        'return_url',
        'receipt_email',
        'off_session',
        'setup_future_usage',
        'payment_method_types',
        'capture_method',
        'payment_method_options',
      ],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        confirmWithParams(ctx, pi);
        return pi;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/cancel',
      permission: write('payment_intent'),
      params: ['cancellation_reason'],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        if (!CANCELABLE.includes(String(pi.status))) {
          throw invalidRequest(
            `You cannot cancel this PaymentIntent because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
            'payment_intent_unexpected_state',
          );
        }
        const reason = optionalEnum(ctx.params, 'cancellation_reason', [
          'duplicate',
          'fraudulent',
          'requested_by_customer',
          'abandoned',
        ] as const);
        Object.assign(pi, {
          status: 'canceled',
          canceled_at: ctx.sandbox.clock.now(),
          cancellation_reason: reason ?? null,
          next_action: null,
        });
        ctx.sandbox.emit(ctx.scope, 'payment_intent.canceled', pi, { request: ctx.request });
        return pi;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_intents',
      permission: read('payment_intent'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'created'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'payment_intent',
          (pi) => (!customer || pi.customer === customer) && created(Number(pi.created)),
        );
        return paginate(items, ctx.params, '/v1/payment_intents', 'payment_intent');
      },
    },
  ],
};
