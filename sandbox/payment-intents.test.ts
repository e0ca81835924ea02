import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

const bank = (account_number: string) =>
  ({
    type: 'us_bank_account',
    us_bank_account: { account_number, routing_number: '110000000', account_holder_type: 'individual' },
    billing_details: { name: 'Jo Bank' },
  }) as Stripe.PaymentIntentCreateParams.PaymentMethodData;

describe('payment intents: capture, confirmation, shipping, mandates, processing', () => {
  it('capture_method=manual: requires_capture, then a partial capture; Stripe’s event order', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 5000, amount_received: 0 });
    expect(await t.stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ captured: false, amount_captured: 0, paid: true });
    await expect(t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 5001 })).rejects.toMatchObject({ code: 'amount_too_large' });
    const captured = await t.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3500, metadata: { order: 'o9' } });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 3500, amount_capturable: 0, metadata: { order: 'o9' } });
    expect(await t.stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      captured: true,
      amount_captured: 3500,
      amount_refunded: 1500,
    });
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
      'charge.captured',
      'payment_intent.succeeded',
    ]);
    // Only what was captured can be refunded.
    await expect(t.stripe.refunds.create({ payment_intent: pi.id, amount: 3501 })).rejects.toMatchObject({ code: 'amount_too_large' });
    await expect(t.stripe.paymentIntents.capture(pi.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('increment_authorization raises a held authorisation that asked for it, then captures the new amount', async () => {
    const plain = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await expect(t.stripe.paymentIntents.incrementAuthorization(plain.id, { amount: 1500 })).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      payment_method_options: { card: { request_incremental_authorization: 'if_available' } },
      confirm: true,
    });
    await signed.clear();
    await expect(t.stripe.paymentIntents.incrementAuthorization(pi.id, { amount: 900 })).rejects.toMatchObject({ param: 'amount' });
    const raised = await t.stripe.paymentIntents.incrementAuthorization(pi.id, { amount: 1800 });
    expect(raised).toMatchObject({ amount: 1800, amount_capturable: 1800, status: 'requires_capture' });
    expect((await t.stripe.paymentIntents.capture(pi.id)).amount_received).toBe(1800);
    expect(await t.stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      amount: 1800,
      amount_captured: 1800,
      amount_refunded: 0,
    });
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual(['payment_intent.amount_capturable_updated', 'charge.captured', 'payment_intent.succeeded']);
    expect(events[0]!.data.previous_attributes).toEqual({ amount: 1000, amount_capturable: 1000 });
  });

  it('canceling an authorised intent releases the hold: charge.refunded, then payment_intent.canceled', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await signed.clear();
    const canceled = await t.stripe.paymentIntents.cancel(pi.id);
    expect(canceled).toMatchObject({ status: 'canceled', amount_capturable: 0 });
    expect(await signed.types()).toEqual(['charge.refunded', 'payment_intent.canceled']);
    expect(await t.stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ refunded: true, amount_refunded: 2000 });
  });

  it('confirmation_method=manual: after 3-D Secure the intent waits in requires_confirmation for the server', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 3100,
      currency: 'eur',
      confirmation_method: 'manual',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'https://shop.example/back',
    });
    expect(pi).toMatchObject({ status: 'requires_action', confirmation_method: 'manual', next_action: { type: 'redirect_to_url' } });
    const { body } = await controlPost<Stripe.PaymentIntent>(t.sb.url, `/_sandbox/payment_intents/${pi.id}/confirm_3ds`);
    expect(body.status).toBe('requires_confirmation');
    expect((await t.stripe.paymentIntents.confirm(pi.id)).status).toBe('succeeded');
    expect(await signed.types()).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('a declined intent given another card waits in requires_confirmation, then confirms on the same intent', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1200, currency: 'usd' });
    await expect(t.stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' })).rejects.toMatchObject({
      code: 'card_declined',
    });
    const declined = await t.stripe.paymentIntents.retrieve(pi.id);
    expect(declined.status).toBe('requires_payment_method');
    expect(declined.last_payment_error?.code).toBe('card_declined');

    const retried = await t.stripe.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('requires_confirmation');
    // Stripe clears the last error when the intent is updated.
    expect(retried.last_payment_error).toBeNull();

    const paid = await t.stripe.paymentIntents.confirm(pi.id);
    expect(paid).toMatchObject({ id: pi.id, status: 'succeeded', amount_received: 1200 });
  });

  it('shipping is kept on the intent and its charge; unknown shipping fields are refused', async () => {
    const shipping = {
      name: 'Jo Ship',
      address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      carrier: 'UPS',
    };
    const pi = await t.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      shipping,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi.shipping).toMatchObject({ name: 'Jo Ship', carrier: 'UPS', address: { line1: '1 Main St', state: null } });
    expect((await t.stripe.charges.retrieve(pi.latest_charge as string)).shipping).toEqual(pi.shipping);
    const bad = t.stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      shipping: { ...shipping, colour: 'red' } as Stripe.PaymentIntentCreateParams.Shipping,
    });
    await expect(bad).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'shipping[colour]' });
  });

  it('us_bank_account with mandate_data is processing, then settles when the sandbox clock passes four days', async () => {
    const customer = await t.stripe.customers.create({ email: 'ach@example.com' });
    const pi = await t.stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      customer: customer.id,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method_data: bank('000123456789'),
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '127.0.0.1', user_agent: 'test' } } },
      setup_future_usage: 'off_session',
      confirm: true,
    });
    expect(pi.status).toBe('processing');
    const failing = await t.stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      allowed_payment_method_types: ['us_bank_account'],
      payment_method_data: bank('000222222227'),
      confirm: true,
    });
    await controlPost(t.sb.url, '/_sandbox/clock/advance', { seconds: 3 * 24 * 3600 });
    expect((await t.stripe.paymentIntents.retrieve(pi.id)).status).toBe('processing');
    await controlPost(t.sb.url, '/_sandbox/clock/advance', { seconds: 24 * 3600 + 1 });
    expect((await t.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    expect(await t.stripe.paymentIntents.retrieve(failing.id)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'insufficient_funds' },
    });
    const types = await signed.types();
    expect(types.filter((type) => type.startsWith('payment_intent.') || type.startsWith('charge.'))).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    // setup_future_usage saved the account to the customer; the mandate is retrievable.
    const saved = await t.stripe.paymentMethods.list({ customer: customer.id, type: 'us_bank_account' });
    expect(saved.data.map((p) => p.us_bank_account?.last4)).toEqual(['6789']);
  });

  it('mandate_data creates a mandate object; it needs confirm=true, as on Stripe', async () => {
    await expect(
      t.stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        mandate_data: { customer_acceptance: { type: 'offline' } },
      } as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({ statusCode: 400, param: 'mandate_data' });
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      mandate_data: { customer_acceptance: { type: 'offline' } } as Stripe.PaymentIntentCreateParams.MandateData,
      confirm: true,
      expand: ['latest_charge'],
    });
    expect(pi.status).toBe('succeeded');
    const mandateId = (pi.latest_charge as Stripe.Charge).payment_method_details!.card!.mandate as string;
    expect(await t.stripe.mandates.retrieve(mandateId)).toMatchObject({
      object: 'mandate',
      status: 'active',
      payment_method: pi.payment_method,
      customer_acceptance: { type: 'offline' },
    });
  });
});
