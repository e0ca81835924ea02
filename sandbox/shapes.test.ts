import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { loadStripeFixtures, shapeDifferences, type ShapeRules } from './testing/json-shape';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const fixtures = loadStripeFixtures();

// Raw JSON as the sandbox sends it (the SDK would turn decimals into objects).
async function raw(path: string, key = t.account.secret_key): Promise<Record<string, unknown>> {
  const response = await fetch(`${t.sb.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Where the sandbox legitimately differs from Stripe's sample at the top level. `nullable`: the
 * sample shows a populated value but Stripe's API reference marks the field nullable and an object
 * in the sandbox's state has none (no discount, no shipping, no error yet, …).
 */
const RULES: Record<string, ShapeRules> = {
  customer: { nullable: ['address', 'currency', 'discount', 'shipping'] },
  product: { nullable: ['default_price', 'description', 'package_dimensions'] },
  price: { nullable: ['custom_unit_amount', 'recurring', 'transform_quantity'] },
  payment_link: {
    nullable: [
      'consent_collection',
      'currency',
      'payment_intent_data',
      'restrictions',
      'shipping_address_collection',
      'subscription_data',
      'transfer_data',
      'managed_payments',
      'payment_method_options',
    ],
  },
  'checkout.session': {
    nullable: [
      'after_expiration',
      'consent',
      'consent_collection',
      'customer_details',
      'payment_method_configuration_details',
      'saved_payment_method_options',
      'shipping_address_collection',
      'shipping_cost',
      'collected_information',
      'permissions',
      'wallet_options',
      'currency_conversion',
      'managed_payments',
      'payment_intent',
      // No success page when a link confirms on Stripe's page; `url` is null once a session is complete.
      'cancel_url',
      'success_url',
      'url',
    ],
  },
  payment_intent: {
    nullable: [
      'automatic_payment_methods',
      'canceled_at',
      'last_payment_error',
      'next_action',
      'payment_method_configuration_details',
      'processing',
      'shipping',
      'transfer_data',
      'managed_payments',
    ],
  },
  charge: { nullable: ['description', 'shipping', 'transfer_data', 'source'] },
  payment_method: { nullable: [] },
  item: { nullable: ['adjustable_quantity'] },
  account: {},
  balance: {},
  event: {},
  webhook_endpoint: { nullable: ['description'] },
  refund: { nullable: ['balance_transaction', 'charge', 'payment_intent', 'customer', 'payment_method'] },
  dispute: { nullable: ['payment_intent'] },
  setup_intent: {
    nullable: ['automatic_payment_methods', 'last_setup_error', 'next_action', 'payment_method_configuration_details'],
  },
  mandate: {},
  // An individual cardholder has no company; one created without `individual` has none either.
  'issuing.cardholder': { nullable: ['company', 'individual'] },
  // A virtual card is not shipped; fraud warnings and lifecycle controls appear only once set.
  'issuing.card': { nullable: ['shipping', 'latest_fraud_warning', 'lifecycle_controls'] },
};

function expectShape(name: string, actual: Record<string, unknown>, extra: ShapeRules = {}): void {
  const sample = fixtures[name];
  expect(sample, `fixture ${name}`).toBeDefined();
  const rules = { ...RULES[name], ...extra };
  expect(shapeDifferences(actual, sample!, rules).join('; '), `${name} differs from Stripe's sample`).toBe('');
}

describe("payments second wave: refunds, disputes, setup intents, mandates, issuing match Stripe's samples", () => {
  it('refund, dispute, setup intent, mandate, issuing cardholder and card', async () => {
    const stripe = t.stripe;
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'shape' } } },
      confirm: true,
      expand: ['latest_charge'],
    });
    const refundable = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const refund = await stripe.refunds.create({ payment_intent: refundable.id, amount: 500 });
    expectShape('refund', await raw(`/v1/refunds/${refund.id}`));
    const [dispute] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
    expectShape('dispute', await raw(`/v1/disputes/${dispute!.id}`));
    const mandate = (pi.latest_charge as Stripe.Charge).payment_method_details!.card!.mandate as string;
    expectShape('mandate', await raw(`/v1/mandates/${mandate}`));
    const seti = await stripe.setupIntents.create({ payment_method: 'pm_card_visa', confirm: true });
    expectShape('setup_intent', await raw(`/v1/setup_intents/${seti.id}`));
    const holder = await stripe.issuing.cardholders.create({
      name: 'Shape Holder',
      email: 'holder@example.com',
      phone_number: '+18008675309',
      billing: { address: { line1: '1 Main St', city: 'Beverly Hills', state: 'CA', postal_code: '90210', country: 'US' } },
      individual: { first_name: 'Shape', last_name: 'Holder' },
    });
    expectShape('issuing.cardholder', await raw(`/v1/issuing/cardholders/${holder.id}`));
    const card = await stripe.issuing.cards.create({ cardholder: holder.id, currency: 'usd', type: 'virtual' });
    const cardJson = await raw(`/v1/issuing/cards/${card.id}`);
    expectShape('issuing.card', cardJson);
    expectShape('issuing.cardholder', cardJson.cardholder as Record<string, unknown>);
    const token = await stripe.tokens.create({ card: { number: '4242424242424242', exp_month: '8', exp_year: '2030' } });
    expectShape('token', await raw(`/v1/tokens/${token.id}`));
  });
});

describe("top-level fields and JSON types match Stripe's samples (fixtures3.json)", () => {
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    const stripe = t.stripe;
    const customer = await stripe.customers.create({ email: 'shape@example.com' });
    const product = await stripe.products.create({ name: 'Shape', default_price_data: { currency: 'usd', unit_amount: 1000 } });
    const link = await stripe.paymentLinks.create({
      line_items: [{ price: product.default_price as string, quantity: 1 }],
      metadata: { a: 'b' },
    });
    const { body: session } = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/payment_links/${link.id}/pay`, {
      card: '4242424242424242',
    });
    const pi = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    const endpoint = await stripe.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events: ['*'] });
    const deletedProduct = await stripe.products.create({ name: 'Gone' });
    await stripe.products.del(deletedProduct.id);
    await stripe.customers.del((await stripe.customers.create({ name: 'gone' })).id);
    ids = {
      customer: customer.id,
      product: product.id,
      price: product.default_price as string,
      link: link.id,
      session: session.id,
      pi: pi.id,
      charge: pi.latest_charge as string,
      pm: pi.payment_method as string,
      endpoint: endpoint.id,
      deletedProduct: deletedProduct.id,
    };
  });

  it('customer, product, price (and their deletion stubs)', async () => {
    expectShape('customer', await raw(`/v1/customers/${ids.customer}`));
    expectShape('product', await raw(`/v1/products/${ids.product}`));
    expectShape('price', await raw(`/v1/prices/${ids.price}`));
    expectShape('deleted_product', await raw(`/v1/products/${ids.deletedProduct}`));
    const deletedCustomer = (await raw('/v1/events?type=customer.deleted')).data as Array<{ data: { object: { id: string } } }>;
    expectShape('deleted_customer', await raw(`/v1/customers/${deletedCustomer[0]!.data.object.id}`));
  });

  it('payment link, checkout session, line item', async () => {
    expectShape('payment_link', await raw(`/v1/payment_links/${ids.link}`));
    expectShape('checkout.session', await raw(`/v1/checkout/sessions/${ids.session}`));
    const items = (await raw(`/v1/checkout/sessions/${ids.session}/line_items`)).data as Array<Record<string, unknown>>;
    // A Checkout line item always carries `metadata` in the sandbox ({}); the sample shows null.
    expectShape('item', items[0]!);
    expectShape('price', items[0]!.price as Record<string, unknown>);
  });

  it('payment intent, charge, payment method', async () => {
    expectShape('payment_intent', await raw(`/v1/payment_intents/${ids.pi}`));
    expectShape('charge', await raw(`/v1/charges/${ids.charge}`));
    expectShape('payment_method', await raw(`/v1/payment_methods/${ids.pm}`));
  });

  it('webhook endpoint (with `secret` only on create), deletion stub, event, balance, account', async () => {
    expectShape('webhook_endpoint', await raw(`/v1/webhook_endpoints/${ids.endpoint}`));
    const response = await fetch(`${t.sb.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.account.secret_key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'url=https%3A%2F%2Fexample.com%2Fx&enabled_events[0]=*',
    });
    const created = (await response.json()) as Record<string, unknown>;
    expectShape('webhook_endpoint', created, { extra: ['secret'] });
    const deleted = await fetch(`${t.sb.url}/v1/webhook_endpoints/${String(created.id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.account.secret_key}` },
    });
    expectShape('deleted_webhook_endpoint', (await deleted.json()) as Record<string, unknown>);
    const events = (await raw('/v1/events?limit=1')).data as Array<Record<string, unknown>>;
    expectShape('event', events[0]!);
    expectShape('balance', await raw('/v1/balance'));
    expectShape('account', await raw('/v1/account'));
  });
});

/**
 * Billing objects (issue 14 part A). `absent`: fields the sample carries that the installed SDK's
 * API version no longer has (Stripe moved `invoice.subscription` and a line's `subscription`
 * under `parent`), or that are `expand`-only.
 */
const BILLING_RULES: Record<string, ShapeRules> = {
  subscription: {
    nullable: [
      'billing_cycle_anchor_config',
      'cancel_at',
      'canceled_at',
      'ended_at',
      'managed_payments',
      'next_pending_invoice_item_invoice',
      'pause_collection',
      'pending_invoice_item_interval',
      'pending_update',
      'transfer_data',
      'trial_end',
      'trial_start',
      'billing_thresholds',
    ],
  },
  subscription_item: { nullable: ['billing_thresholds'] },
  subscription_schedule: { nullable: ['canceled_at', 'completed_at', 'released_at'] },
  invoice: {
    nullable: [
      'customer_address',
      'customer_shipping',
      'due_date',
      'from_invoice',
      'last_finalization_error',
      'next_payment_attempt',
      'parent',
      'payment_settings',
      'rendering',
      'shipping_cost',
      'shipping_details',
      'ending_balance',
      'automatic_tax',
    ],
    absent: ['subscription'],
    extra: ['automatically_finalizes_at', 'confirmation_secret'],
  },
  invoiceitem: { nullable: ['parent', 'description'] },
  line_item: { nullable: ['pricing'], extra: [] },
  'test_helpers.test_clock': {},
  coupon: { nullable: ['currency', 'duration_in_months', 'name', 'percent_off', 'redeem_by'] },
  promotion_code: { nullable: ['expires_at'] },
  discount: { nullable: ['end', 'customer'] },
  credit_note: { nullable: ['out_of_band_amount', 'shipping_cost', 'customer_balance_transaction', 'voided_at'] },
  credit_note_line_item: { nullable: ['unit_amount', 'unit_amount_decimal'] },
  'billing_portal.session': { nullable: ['flow', 'return_url'] },
  'billing_portal.configuration': {},
  plan: { nullable: ['transform_usage'] },
  invoice_payment: {},
};

function expectBillingShape(name: string, actual: Record<string, unknown>, extra: ShapeRules = {}): void {
  const sample = fixtures[name];
  expect(sample, `fixture ${name}`).toBeDefined();
  const rules = { ...BILLING_RULES[name], ...extra };
  expect(shapeDifferences(actual, sample!, rules).join('; '), `${name} differs from Stripe's sample`).toBe('');
}

async function rawSend(method: 'POST' | 'DELETE', path: string, body = ''): Promise<Record<string, unknown>> {
  const response = await fetch(`${t.sb.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.account.secret_key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? body : undefined,
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("billing objects match Stripe's samples (fixtures3.json)", () => {
  it('subscription, items, schedule, invoice, lines, invoice item and payment, clock, coupon, promotion code, discount, credit note, portal, plan', async () => {
    const stripe = t.stripe;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.UTC(2032, 0, 1) / 1000) });
    const customer = await stripe.customers.create({ test_clock: clock.id });
    await stripe.paymentMethods
      .attach('pm_card_visa', { customer: customer.id })
      .then((pm) => stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }));
    const plan = await stripe.plans.create({ amount: 1200, currency: 'usd', interval: 'month', product: { name: 'Shape plan' } });
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: plan.id }],
      discounts: [{ coupon: coupon.id }],
    });
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string, { expand: ['payments'] });
    const note = await stripe.creditNotes.create({ invoice: invoice.id, amount: 100 });
    const withDiscount = await stripe.customers.create({ promotion_code: promo.id } as Stripe.CustomerCreateParams);
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id });

    expectBillingShape('subscription', await raw(`/v1/subscriptions/${sub.id}`));
    expectBillingShape('subscription_item', await raw(`/v1/subscription_items/${sub.items.data[0]!.id}`));
    expectBillingShape('subscription_schedule', await raw(`/v1/subscription_schedules/${schedule.id}`));
    const rawInvoice = await raw(`/v1/invoices/${invoice.id}`);
    expectBillingShape('invoice', rawInvoice);
    expectBillingShape('line_item', (rawInvoice.lines as { data: Array<Record<string, unknown>> }).data[0]!);
    expectBillingShape('invoice_payment', await raw(`/v1/invoice_payments/${invoice.payments!.data[0]!.id}`));
    expectBillingShape('invoiceitem', await raw(`/v1/invoiceitems/${item.id}`));
    expectBillingShape('test_helpers.test_clock', await raw(`/v1/test_helpers/test_clocks/${clock.id}`));
    expectBillingShape('coupon', await raw(`/v1/coupons/${coupon.id}`));
    expectBillingShape('promotion_code', await raw(`/v1/promotion_codes/${promo.id}`));
    expectBillingShape('discount', (await raw(`/v1/customers/${withDiscount.id}`)).discount as Record<string, unknown>);
    const rawNote = await raw(`/v1/credit_notes/${note.id}`);
    expectBillingShape('credit_note', rawNote);
    // An amount-only note has no lines; a note on an invoice line has one.
    expectBillingShape('credit_note_line_item', await rawCreditLine(invoice.id, invoice.lines.data[0]!.id));
    expectBillingShape('billing_portal.session', portal as unknown as Record<string, unknown>);
    expectBillingShape('billing_portal.configuration', await raw(`/v1/billing_portal/configurations/${portal.configuration as string}`));
    expectBillingShape('plan', await raw(`/v1/plans/${plan.id}`));

    expectBillingShape('deleted_invoiceitem', await rawSend('DELETE', `/v1/invoiceitems/${item.id}`));
    expectBillingShape('deleted_coupon', await rawSend('DELETE', `/v1/coupons/${coupon.id}`));
    expectBillingShape('deleted_plan', await rawSend('DELETE', `/v1/plans/${plan.id}`));
    expectBillingShape('deleted_discount', await rawSend('DELETE', `/v1/customers/${withDiscount.id}/discount`));
    expectBillingShape('deleted_test_helpers.test_clock', await rawSend('DELETE', `/v1/test_helpers/test_clocks/${clock.id}`));
  });
});

/** A credit note with an invoice line, for the line-item shape. */
async function rawCreditLine(invoiceId: string, lineId: string): Promise<Record<string, unknown>> {
  const note = await rawSend(
    'POST',
    '/v1/credit_notes',
    `invoice=${invoiceId}&lines[0][type]=invoice_line_item&lines[0][invoice_line_item]=${lineId}&lines[0][amount]=50`,
  );
  return (note.lines as { data: Array<Record<string, unknown>> }).data[0]!;
}
