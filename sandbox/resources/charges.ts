import { noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalString, rangeFilter, unsettableString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';

export interface ChargeInit {
  paymentIntent: StripeObject;
  paymentMethod: StripeObject;
  status: 'succeeded' | 'failed' | 'pending';
  failure?: { code: string; declineCode: string; message: string };
  /** An authorisation held for a later `/capture` (`capture_method=manual`). */
  uncaptured?: boolean;
}

function cardDetails(pm: StripeObject, pi: StripeObject, succeeded: boolean, mandate: string | null): Json {
  const card = pm.card as Json;
  return {
    amount_authorized: succeeded ? pi.amount : null,
    authorization_code: succeeded ? '123456' : null,
    brand: card.brand,
    capture_before: null,
    checks: card.checks,
    country: card.country,
    exp_month: card.exp_month,
    exp_year: card.exp_year,
    extended_authorization: { status: 'disabled' },
    fingerprint: card.fingerprint,
    funding: card.funding,
    // Available only on a held authorisation that asked for it (`request_incremental_authorization`).
    incremental_authorization: {
      status:
        pi.capture_method === 'manual' &&
        ((pi.payment_method_options as Json | null)?.card as Json | undefined)?.request_incremental_authorization === 'if_available'
          ? 'available'
          : 'unavailable',
    },
    installments: null,
    last4: card.last4,
    mandate,
    multicapture: { status: 'unavailable' },
    network: card.brand,
    network_token: { used: false },
    network_transaction_id: null,
    overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
    regulated_status: 'unregulated',
    three_d_secure: null,
    wallet: null,
  };
}

function bankDetails(pm: StripeObject, mandate: string | null): Json {
  const bank = pm.us_bank_account as Json;
  return {
    account_holder_type: bank.account_holder_type,
    account_type: bank.account_type,
    bank_name: bank.bank_name,
    fingerprint: bank.fingerprint,
    last4: bank.last4,
    mandate,
    payment_reference: null,
    routing_number: bank.routing_number,
  };
}

/** A charge as a PaymentIntent confirmation creates it (one per attempt). */
export function buildCharge(ctx: ApiContext, init: ChargeInit): StripeObject {
  const pi = init.paymentIntent;
  const pm = init.paymentMethod;
  const succeeded = init.status === 'succeeded';
  const captured = succeeded && !init.uncaptured;
  // A mandate accepted at confirmation (`mandate_data`) is named on the charge's method details.
  const mandate = ctx.sandbox.store.getRelated<string>(pi.id, 'mandate') ?? null;
  const id = newId('ch', 24);
  const charge: StripeObject = {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('txn', 24) : null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: 'PAYBRIDGE SANDBOX',
    captured,
    created: ctx.sandbox.clock.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: init.failure?.code ?? null,
    failure_message: init.failure?.message ?? null,
    fraud_details: {},
    livemode: ctx.scope.livemode,
    metadata: { ...(pi.metadata as Record<string, string>) },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: init.failure ? 'declined_by_network' : 'approved_by_network',
      reason: init.failure?.declineCode ?? null,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: init.failure ? 'The bank did not return any further details with this decline.' : 'Payment complete.',
      type: init.failure ? 'issuer_declined' : 'authorized',
    },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details:
      pm.type === 'card'
        ? { card: cardDetails(pm, pi, succeeded, mandate), type: 'card' }
        : { type: String(pm.type), [String(pm.type)]: bankDetails(pm, mandate) },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${ctx.sandbox.baseUrl}/receipts/${id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: pi.shipping ?? null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: init.status,
    transfer_data: null,
    transfer_group: null,
  };
  return ctx.sandbox.store.insert(ctx.scope, charge);
}

export const charges: Resource = {
  name: 'charges',
  routes: [
    {
      method: 'GET',
      path: '/v1/charges/:id',
      permission: read('charge'),
      params: [],
      handle(ctx) {
        const charge = ctx.sandbox.store.get(ctx.scope, 'charge', ctx.path.id!);
        if (!charge) throw noSuch('charge', ctx.path.id!);
        return charge;
      },
    },
    {
      method: 'POST',
      path: '/v1/charges/:id',
      permission: write('charge'),
      params: ['description', 'metadata', 'receipt_email'],
      handle(ctx) {
        const charge = ctx.sandbox.store.get(ctx.scope, 'charge', ctx.path.id!);
        if (!charge) throw noSuch('charge', ctx.path.id!);
        const before = snapshot(charge);
        for (const field of ['description', 'receipt_email'] as const) {
          const value = unsettableString(ctx.params, field);
          if (value !== undefined) charge[field] = value;
        }
        charge.metadata = applyMetadata(charge.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, charge);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'charge.updated', charge, { previousAttributes: previous, request: ctx.request });
        return charge;
      },
    },
    {
      method: 'GET',
      path: '/v1/charges',
      permission: read('charge'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'payment_intent', 'created', 'transfer_group'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const paymentIntent = optionalString(ctx.params, 'payment_intent');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'charge',
          (c) =>
            (!customer || c.customer === customer) && (!paymentIntent || c.payment_intent === paymentIntent) && created(Number(c.created)),
        );
        return paginate(items, ctx.params, '/v1/charges', 'charge');
      },
    },
  ],
};
