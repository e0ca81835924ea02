import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { randomToken } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalArray, optionalEnum, optionalInteger, optionalRecord, optionalString, rangeFilter } from '../core/params';
import { read, systemContext, write, type ApiContext, type Resource } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import { parseLineItems, totals } from '../payments/line-items';
import { createCustomer, findCustomer } from './customers';
import { applySessionDiscountParams, prepareSubscriptionSession } from '../billing/checkout-billing';

const DAY = 24 * 60 * 60;

export interface SessionInit {
  lineItems: StripeObject[];
  metadata?: Record<string, string>;
  paymentIntentData?: { metadata: Record<string, string>; description: string | null };
  successUrl?: string | null;
  cancelUrl?: string | null;
  customer?: string | null;
  customerEmail?: string | null;
  customerCreation?: 'always' | 'if_required';
  clientReferenceId?: string | null;
  paymentLink?: string | null;
  expiresAt?: number;
}

// What Checkout puts on the PaymentIntent it creates; kept beside the session (Stripe does not
// echo `payment_intent_data` on the session object).
interface IntentData {
  metadata: Record<string, string>;
  description: string | null;
}

export function findSession(ctx: ApiContext, id: string, param = 'session'): StripeObject {
  const session = ctx.sandbox.store.get(ctx.scope, 'checkout.session', id);
  if (!session) throw noSuch('checkout.session', id, param);
  return session;
}

export function sessionIntentData(sandbox: Sandbox, sessionId: string): IntentData {
  return sandbox.store.getRelated<IntentData>(sessionId, 'payment_intent_data') ?? { metadata: {}, description: null };
}

export function sessionLineItems(sandbox: Sandbox, sessionId: string): StripeObject[] {
  return sandbox.store.getRelated<StripeObject[]>(sessionId, 'line_items') ?? [];
}

/** Creates an open payment-mode session (no event: Stripe has no `checkout.session.created`). */
export function createSession(ctx: ApiContext, init: SessionInit): StripeObject {
  const now = ctx.sandbox.clock.now();
  const { amount, currency } = totals(init.lineItems);
  const id = `${ctx.scope.livemode ? 'cs_live' : 'cs_test'}_${randomToken(58)}`;
  const session: StripeObject = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: init.cancelUrl ?? null,
    client_reference_id: init.clientReferenceId ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: init.customer ?? null,
    customer_account: null,
    customer_creation: init.customer ? null : (init.customerCreation ?? 'if_required'),
    customer_details: null,
    customer_email: init.customerEmail ?? null,
    discounts: [],
    expires_at: init.expiresAt ?? now + DAY,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: ctx.scope.livemode,
    locale: null,
    managed_payments: null,
    metadata: init.metadata ?? {},
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: init.paymentLink ?? null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: init.successUrl ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${ctx.sandbox.baseUrl}/checkout/${id}`,
    wallet_options: null,
  };
  ctx.sandbox.store.insert(ctx.scope, session);
  ctx.sandbox.store.setRelated(id, 'line_items', init.lineItems);
  ctx.sandbox.store.setRelated(id, 'payment_intent_data', init.paymentIntentData ?? { metadata: {}, description: null });
  return session;
}

/** Marks the session complete once its payment is captured (paid) or under way (async: unpaid). */
export function completeSession(ctx: ApiContext, session: StripeObject, paymentStatus: 'paid' | 'unpaid' | 'no_payment_required'): void {
  const details = (session.customer_details as Json | null) ?? {};
  if (!session.customer && session.customer_creation === 'always') {
    session.customer = createCustomer(ctx, {
      email: (details.email as string | null) ?? null,
      name: (details.name as string | null) ?? null,
    }).id;
  }
  Object.assign(session, { status: 'complete', payment_status: paymentStatus, url: null });
  ctx.sandbox.emit(ctx.scope, 'checkout.session.completed', session);
}

/** Expires an open session and cancels its PaymentIntent, as Stripe does at `expires_at`. */
export function expireSession(ctx: ApiContext, session: StripeObject): void {
  Object.assign(session, { status: 'expired', url: null });
  const pi = session.payment_intent ? ctx.sandbox.store.get(ctx.scope, 'payment_intent', String(session.payment_intent)) : undefined;
  if (pi && ['requires_payment_method', 'requires_action', 'requires_confirmation'].includes(String(pi.status))) {
    Object.assign(pi, { status: 'canceled', canceled_at: ctx.sandbox.clock.now(), cancellation_reason: 'abandoned', next_action: null });
    ctx.sandbox.emit(ctx.scope, 'payment_intent.canceled', pi);
  }
  ctx.sandbox.emit(ctx.scope, 'checkout.session.expired', session);
}

const CREATE_PARAMS = [
  'mode',
  'line_items',
  'success_url',
  'cancel_url',
  'customer',
  'customer_email',
  'customer_creation',
  'client_reference_id',
  'metadata',
  'payment_intent_data',
  'expires_at',
  'currency',
  'payment_method_types',
  'locale',
  'submit_type',
  'allow_promotion_codes',
  'billing_address_collection',
  'ui_mode',
  'return_url',
  'phone_number_collection',
  'invoice_creation',
  'subscription_data',
  'discounts',
  'payment_method_collection',
] as const;

export const checkoutSessions: Resource = {
  name: 'checkout_sessions',
  routes: [
    {
      method: 'POST',
      path: '/v1/checkout/sessions',
      permission: write('checkout_session'),
      params: CREATE_PARAMS,
      handle(ctx) {
        const mode = optionalEnum(ctx.params, 'mode', ['payment', 'setup', 'subscription'] as const);
        if (!mode) throw missingParam('mode');
        if (mode === 'setup') throw invalidRequest(`The sandbox does not support Checkout in ${mode} mode yet.`, undefined, 'mode');
        const customer = optionalString(ctx.params, 'customer');
        if (customer) findCustomer(ctx, customer, 'customer');
        const now = ctx.sandbox.clock.now();
        const expiresAt = optionalInteger(ctx.params, 'expires_at');
        if (expiresAt !== undefined && (expiresAt < now + 30 * 60 || expiresAt > now + DAY)) {
          throw invalidRequest(
            'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
            undefined,
            'expires_at',
          );
        }
        const intent = optionalRecord(ctx.params, 'payment_intent_data') ?? {};
        const lineItems = parseLineItems(ctx, optionalArray(ctx.params, 'line_items'), { required: true });
        const session = createSession(ctx, {
          lineItems,
          metadata: applyMetadata({}, ctx.params),
          paymentIntentData: {
            metadata: applyMetadata({}, intent, 'metadata'),
            description: optionalString(intent, 'description', 'payment_intent_data[description]') ?? null,
          },
          successUrl: optionalString(ctx.params, 'success_url') ?? null,
          cancelUrl: optionalString(ctx.params, 'cancel_url') ?? null,
          customer: customer ?? null,
          customerEmail: optionalString(ctx.params, 'customer_email') ?? null,
          customerCreation: optionalEnum(ctx.params, 'customer_creation', ['always', 'if_required'] as const),
          clientReferenceId: optionalString(ctx.params, 'client_reference_id') ?? null,
          expiresAt,
        });
        if (mode === 'subscription') prepareSubscriptionSession(ctx, session, lineItems);
        applySessionDiscountParams(ctx, session);
        return session;
      },
    },
    {
      method: 'GET',
      path: '/v1/checkout/sessions/:session',
      permission: read('checkout_session'),
      params: [],
      handle: (ctx) => findSession(ctx, ctx.path.session!),
    },
    {
      method: 'POST',
      path: '/v1/checkout/sessions/:session',
      permission: write('checkout_session'),
      params: ['metadata'],
      handle(ctx) {
        const session = findSession(ctx, ctx.path.session!);
        session.metadata = applyMetadata(session.metadata as Record<string, string>, ctx.params);
        return session;
      },
    },
    {
      method: 'POST',
      path: '/v1/checkout/sessions/:session/expire',
      permission: write('checkout_session'),
      params: [],
      handle(ctx) {
        const session = findSession(ctx, ctx.path.session!);
        if (session.status !== 'open') {
          throw invalidRequest(
            `Only Checkout Sessions with a status in ["open"] can be expired.`,
            'checkout_session_unexpected_state' as string,
          );
        }
        expireSession(ctx, session);
        return session;
      },
    },
    {
      method: 'GET',
      path: '/v1/checkout/sessions/:session/line_items',
      permission: read('checkout_session'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const session = findSession(ctx, ctx.path.session!);
        // Line items read oldest first (the order given at creation).
        return paginate(
          sessionLineItems(ctx.sandbox, session.id),
          ctx.params,
          `/v1/checkout/sessions/${session.id}/line_items`,
          'line item',
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/checkout/sessions',
      permission: read('checkout_session'),
      params: [
        'limit',
        'starting_after',
        'ending_before',
        'payment_intent',
        'payment_link',
        'customer',
        'status',
        'created',
        'customer_details',
      ],
      handle(ctx) {
        const pi = optionalString(ctx.params, 'payment_intent');
        const link = optionalString(ctx.params, 'payment_link');
        const customer = optionalString(ctx.params, 'customer');
        const status = optionalEnum(ctx.params, 'status', ['open', 'complete', 'expired'] as const);
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'checkout.session',
          (s) =>
            (!pi || s.payment_intent === pi) &&
            (!link || s.payment_link === link) &&
            (!customer || s.customer === customer) &&
            (!status || s.status === status) &&
            created(Number(s.created)),
        );
        return paginate(items, ctx.params, '/v1/checkout/sessions', 'checkout.session');
      },
    },
  ],
  virtualFields: {
    'checkout.session': {
      line_items: (session, ctx) => ({
        object: 'list',
        data: sessionLineItems(ctx.sandbox, session.id),
        has_more: false,
        url: `/v1/checkout/sessions/${session.id}/line_items`,
      }),
    },
  },
  onEvent(ctx, event) {
    // Checkout follows its PaymentIntent: paid → completed; processing (async) → completed but
    // unpaid, then async_payment_succeeded / async_payment_failed when the debit settles.
    if (!String(event.type).startsWith('payment_intent.')) return;
    const pi = (event.data as Json).object as StripeObject;
    const [session] = ctx.sandbox.store.list(ctx.scope, 'checkout.session', (s) => s.payment_intent === pi.id);
    if (!session) return;
    if (event.type === 'payment_intent.succeeded') {
      if (session.status === 'open') completeSession(ctx, session, 'paid');
      else if (session.status === 'complete' && session.payment_status === 'unpaid') {
        session.payment_status = 'paid';
        ctx.sandbox.emit(ctx.scope, 'checkout.session.async_payment_succeeded', session);
      }
    } else if (event.type === 'payment_intent.processing' && session.status === 'open') {
      completeSession(ctx, session, 'unpaid');
    } else if (event.type === 'payment_intent.payment_failed' && session.status === 'complete' && session.payment_status === 'unpaid') {
      ctx.sandbox.emit(ctx.scope, 'checkout.session.async_payment_failed', session);
    }
  },
  onClockAdvance(sandbox) {
    const now = sandbox.clock.now();
    for (const { scope, data } of sandbox.store.all('checkout.session')) {
      if (data.status === 'open' && Number(data.expires_at) <= now) expireSession(systemContext(sandbox, scope), data);
    }
  },
};
