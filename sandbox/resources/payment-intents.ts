import { requiredCurrency } from '../core/currency';
import { invalidRequest, missingParam, noSuch, unknownParam } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  optionalStringArray,
  rangeFilter,
  requiredInteger,
  requiredString,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { capturePaymentIntent, incrementAuthorization, releaseAuthorization } from '../payments/capture';
import { confirmPaymentIntent } from '../payments/payment-engine';
import { settleDueBankDebits } from '../payments/settlement';
import { findCustomer } from './customers';
import { createMandate } from './mandates';
import { attachPaymentMethod, paymentMethodFromData, resolvePaymentMethod } from './payment-methods';

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
  captureMethod?: 'automatic' | 'automatic_async' | 'manual';
  confirmationMethod?: 'automatic' | 'manual';
  setupFutureUsage?: 'off_session' | 'on_session' | null;
  shipping?: Json | null;
  statementDescriptor?: string | null;
  statementDescriptorSuffix?: string | null;
  transferGroup?: string | null;
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
    capture_method: init.captureMethod ?? 'automatic_async',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: init.confirmationMethod ?? 'automatic',
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
    setup_future_usage: init.setupFutureUsage ?? null,
    shipping: init.shipping ?? null,
    source: null,
    statement_descriptor: init.statementDescriptor ?? null,
    statement_descriptor_suffix: init.statementDescriptorSuffix ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: init.transferGroup ?? null,
  };
  ctx.sandbox.store.insert(ctx.scope, pi);
  ctx.sandbox.emit(ctx.scope, 'payment_intent.created', pi, { request: ctx.request });
  return pi;
}

/** `shipping[name]`, `shipping[address][…]` and friends, as Stripe stores them on the intent and its charge. */
function parseShipping(params: Json): Json | null | undefined {
  if (params.shipping === '') return null;
  const raw = optionalRecord(params, 'shipping');
  if (!raw) return undefined;
  for (const key of Object.keys(raw))
    if (!['address', 'name', 'carrier', 'phone', 'tracking_number'].includes(key))
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
    carrier: optionalString(raw, 'carrier', 'shipping[carrier]') ?? null,
    name: requiredString(raw, 'name', 'shipping[name]'),
    phone: optionalString(raw, 'phone', 'shipping[phone]') ?? null,
    tracking_number: optionalString(raw, 'tracking_number', 'shipping[tracking_number]') ?? null,
  };
}

/** The PaymentMethod a request names: `payment_method` (an id or test id) or inline `payment_method_data`. */
function requestedPaymentMethod(ctx: ApiContext): StripeObject | undefined {
  const pmId = optionalString(ctx.params, 'payment_method');
  const data = optionalRecord(ctx.params, 'payment_method_data');
  if (pmId && data)
    throw invalidRequest('You cannot provide both `payment_method` and `payment_method_data`.', undefined, 'payment_method_data');
  if (data) return paymentMethodFromData(ctx, data, 'payment_method_data');
  return pmId ? resolvePaymentMethod(ctx, pmId) : undefined;
}

/**
 * `payment_method_options[card][request_three_d_secure]` (`any`/`challenge` make every card go
 * through 3-D Secure) and `automatic_payment_methods`; other options are not simulated and refused.
 */
interface OptionsPatch {
  requestThreeDSecure?: string;
  requestIncremental?: string;
  automatic?: Json;
}

function readOptions(ctx: ApiContext): OptionsPatch {
  const patch: OptionsPatch = {};
  const options = optionalRecord(ctx.params, 'payment_method_options');
  if (options) {
    for (const key of Object.keys(options)) if (key !== 'card') throw unknownParam(`payment_method_options[${key}]`);
    const card = optionalRecord(options, 'card', 'payment_method_options[card]') ?? {};
    for (const key of Object.keys(card))
      if (key !== 'request_three_d_secure' && key !== 'request_incremental_authorization')
        throw unknownParam(`payment_method_options[card][${key}]`);
    patch.requestIncremental = optionalEnum(
      card,
      'request_incremental_authorization',
      ['if_available', 'never'] as const,
      'payment_method_options[card][request_incremental_authorization]',
    );
    patch.requestThreeDSecure = optionalEnum(
      card,
      'request_three_d_secure',
      ['automatic', 'any', 'challenge'] as const,
      'payment_method_options[card][request_three_d_secure]',
    );
  }
  const automatic = optionalRecord(ctx.params, 'automatic_payment_methods');
  if (automatic) {
    for (const key of Object.keys(automatic))
      if (key !== 'enabled' && key !== 'allow_redirects') throw unknownParam(`automatic_payment_methods[${key}]`);
    const enabled = optionalBoolean(automatic, 'enabled', 'automatic_payment_methods[enabled]');
    if (enabled === undefined) throw missingParam('automatic_payment_methods[enabled]');
    const redirects = optionalEnum(
      automatic,
      'allow_redirects',
      ['always', 'never'] as const,
      'automatic_payment_methods[allow_redirects]',
    );
    patch.automatic = enabled ? { allow_redirects: redirects ?? 'always', enabled } : { enabled };
  }
  return patch;
}

function applyOptions(pi: StripeObject, patch: OptionsPatch): void {
  if (patch.requestThreeDSecure) ((pi.payment_method_options as Json).card as Json).request_three_d_secure = patch.requestThreeDSecure;
  if (patch.requestIncremental)
    ((pi.payment_method_options as Json).card as Json).request_incremental_authorization = patch.requestIncremental;
  if (patch.automatic) pi.automatic_payment_methods = patch.automatic;
}

/** Fields both create and confirm accept, applied before confirming. */
function applyConfirmFields(ctx: ApiContext, pi: StripeObject): void {
  applyOptions(pi, readOptions(ctx));
  const types = methodTypes(ctx.params);
  if (types) Object.assign(pi, { payment_method_types: types, automatic_payment_methods: null });
  const capture = optionalEnum(ctx.params, 'capture_method', CAPTURE_METHODS);
  if (capture) pi.capture_method = capture;
  const shipping = parseShipping(ctx.params);
  if (shipping !== undefined) pi.shipping = shipping;
  const receipt = unsettableString(ctx.params, 'receipt_email');
  if (receipt !== undefined) pi.receipt_email = receipt;
  const future = optionalEnum(ctx.params, 'setup_future_usage', FUTURE_USAGE);
  if (future) pi.setup_future_usage = future;
}

function offSession(ctx: ApiContext): boolean {
  const raw = ctx.params.off_session;
  if (raw === 'one_off' || raw === 'recurring') return true;
  return optionalBoolean(ctx.params, 'off_session') ?? false;
}

function confirmWithParams(ctx: ApiContext, pi: StripeObject, pm?: StripeObject): void {
  // Without a method, Stripe charges the customer's default source (a saved `tok_…` card).
  const customer = pi.customer ? ctx.sandbox.store.get(ctx.scope, 'customer', String(pi.customer)) : undefined;
  const fallback = pi.payment_method ?? customer?.default_source ?? null;
  const chosen = pm ?? (fallback ? ctx.sandbox.store.get(ctx.scope, 'payment_method', String(fallback)) : undefined);
  if (!chosen) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      'payment_intent_unexpected_state',
    );
  }
  const mandateData = optionalRecord(ctx.params, 'mandate_data');
  if (mandateData) ctx.sandbox.store.setRelated(pi.id, 'mandate', createMandate(ctx, chosen, mandateData).id);
  const outcome = confirmPaymentIntent(ctx, pi, chosen, {
    returnUrl: optionalString(ctx.params, 'return_url') ?? null,
    offSession: offSession(ctx),
  });
  // `setup_future_usage` saves the method to the customer once the payment goes through.
  if ((outcome === 'succeeded' || outcome === 'requires_capture' || outcome === 'processing') && pi.setup_future_usage && pi.customer)
    attachPaymentMethod(ctx, chosen, String(pi.customer));
}

const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;

/** `allowed_payment_method_types` (the SDK's current name) or `payment_method_types` (older API versions). */
export function methodTypes(params: Json): string[] | undefined {
  return optionalStringArray(params, 'allowed_payment_method_types') ?? optionalStringArray(params, 'payment_method_types');
}
const FUTURE_USAGE = ['off_session', 'on_session'] as const;

const CREATE_PARAMS = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'payment_method_data',
  'payment_method_types',
  'allowed_payment_method_types',
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
  'shipping',
  'mandate_data',
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
        const confirm = optionalBoolean(ctx.params, 'confirm') ?? false;
        if (!confirm) {
          for (const name of ['off_session', 'mandate_data', 'return_url'])
            if (ctx.params[name] !== undefined)
              throw invalidRequest(`You can only pass \`${name}\` when \`confirm\` is true.`, undefined, name);
        }
        // Everything that can be refused is read before the intent exists, so a refusal creates nothing.
        const options = readOptions(ctx);
        const shipping = parseShipping(ctx.params) ?? null;
        const pm = requestedPaymentMethod(ctx);
        const pi = createPaymentIntent(ctx, {
          amount,
          currency,
          customer: customerId ?? null,
          description: optionalString(ctx.params, 'description') ?? null,
          metadata: applyMetadata({}, ctx.params),
          receiptEmail: optionalString(ctx.params, 'receipt_email') ?? null,
          paymentMethodTypes: methodTypes(ctx.params),
          captureMethod: optionalEnum(ctx.params, 'capture_method', CAPTURE_METHODS),
          confirmationMethod: optionalEnum(ctx.params, 'confirmation_method', ['automatic', 'manual'] as const),
          setupFutureUsage: optionalEnum(ctx.params, 'setup_future_usage', FUTURE_USAGE) ?? null,
          shipping,
          statementDescriptor: optionalString(ctx.params, 'statement_descriptor') ?? null,
          statementDescriptorSuffix: optionalString(ctx.params, 'statement_descriptor_suffix') ?? null,
          transferGroup: optionalString(ctx.params, 'transfer_group') ?? null,
        });
        applyOptions(pi, options);
        if (pm) {
          pi.payment_method = pm.id;
          pi.status = 'requires_confirmation';
        }
        if (confirm) confirmWithParams(ctx, pi, pm);
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
        'payment_method_data',
        'payment_method_types',
        'allowed_payment_method_types',
        'statement_descriptor',
        'statement_descriptor_suffix',
        'setup_future_usage',
        'capture_method',
        'shipping',
        'transfer_group',
        'payment_method_options',
      ],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        const before = snapshot(pi);
        applyConfirmFields(ctx, pi);
        for (const field of ['statement_descriptor', 'statement_descriptor_suffix', 'transfer_group'] as const) {
          const value = unsettableString(ctx.params, field);
          if (value !== undefined) pi[field] = value;
        }
        if (ctx.params.amount !== undefined) pi.amount = requiredInteger(ctx.params, 'amount', 'amount', 0);
        const description = unsettableString(ctx.params, 'description');
        if (description !== undefined) pi.description = description;
        const customerId = optionalString(ctx.params, 'customer');
        if (customerId) pi.customer = findCustomer(ctx, customerId, 'customer').id;
        const pm = requestedPaymentMethod(ctx);
        if (pm) {
          pi.payment_method = pm.id;
          // A customer retrying after a decline gives another card: the intent waits for confirmation
          // again, as on Stripe, and can then be confirmed without naming the method.
          if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
        }
        pi.metadata = applyMetadata(pi.metadata as Record<string, string>, ctx.params);
        // Stripe: last_payment_error "will be cleared if the PaymentIntent is later updated for any reason".
        if (pi.last_payment_error && Object.keys(previousAttributes(before, pi)).length > 0) pi.last_payment_error = null;
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
        'allowed_payment_method_types',
        'capture_method',
        'payment_method_options',
        'payment_method_data',
        'mandate_data',
        'shipping',
      ],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        applyConfirmFields(ctx, pi);
        confirmWithParams(ctx, pi, requestedPaymentMethod(ctx));
        return pi;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/increment_authorization',
      permission: write('payment_intent'),
      params: ['amount', 'description', 'metadata'],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        const amount = requiredInteger(ctx.params, 'amount', 'amount', 1);
        const description = unsettableString(ctx.params, 'description');
        const metadata = applyMetadata(pi.metadata as Record<string, string>, ctx.params);
        incrementAuthorization(ctx, pi, amount);
        if (description !== undefined) pi.description = description;
        pi.metadata = metadata;
        return pi;
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_intents/:id/capture',
      permission: write('payment_intent'),
      params: ['amount_to_capture', 'metadata', 'statement_descriptor', 'statement_descriptor_suffix'],
      handle(ctx) {
        const pi = findPaymentIntent(ctx, ctx.path.id!);
        pi.metadata = applyMetadata(pi.metadata as Record<string, string>, ctx.params);
        for (const field of ['statement_descriptor', 'statement_descriptor_suffix'] as const) {
          const value = optionalString(ctx.params, field);
          if (value !== undefined) pi[field] = value;
        }
        capturePaymentIntent(ctx, pi, optionalInteger(ctx.params, 'amount_to_capture', 'amount_to_capture', 1));
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
        if (pi.status === 'requires_capture') releaseAuthorization(ctx, pi);
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
  onClockAdvance: settleDueBankDebits,
};
