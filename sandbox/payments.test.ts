import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { eventTypesSince, latestEventId } from './testing/event-helpers';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

describe('payment intents', () => {
  it('4242 succeeds: created → charge.succeeded → succeeded, with a charge and expandable latest_charge', async () => {
    const customer = await t.stripe.customers.create({ email: 'payer@example.com' });
    const mark = await latestEventId(t.stripe);
    const pi = await t.stripe.paymentIntents.create({ amount: 2500, currency: 'usd', customer: customer.id, metadata: { order: 'o1' } });
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      amount: 2500,
      client_secret: expect.stringMatching(new RegExp(`^${pi.id}_secret_`)),
    });
    const pm = await t.stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
    } as Stripe.PaymentMethodCreateParams);
    expect(pm).toMatchObject({ object: 'payment_method', type: 'card', card: { last4: '4242', brand: 'visa' } });
    const confirmed = await t.stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id, expand: ['latest_charge', 'customer'] });
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 2500, payment_method: pm.id });
    const charge = confirmed.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      amount: 2500,
      payment_intent: pi.id,
      metadata: { order: 'o1' },
    });
    expect((confirmed.customer as Stripe.Customer).email).toBe('payer@example.com');
    expect((await t.stripe.charges.retrieve(charge.id, { expand: ['payment_intent'] })).payment_intent).toMatchObject({ id: pi.id });
    expect((await t.stripe.charges.list({ payment_intent: pi.id })).data.map((c) => c.id)).toEqual([charge.id]);
    const types = (await eventTypesSince(t.stripe, mark)).map((e) => e.type);
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const balance = await t.stripe.balance.retrieve();
    expect(balance.pending).toEqual([{ amount: 2500, currency: 'usd', source_types: { card: 2500 } }]);
  });

  it('4000000000000002 declines with card_declined (402) and payment_intent.payment_failed', async () => {
    const mark = await latestEventId(t.stripe);
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    let error: unknown;
    try {
      await t.stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    expect((error as Stripe.errors.StripeCardError).payment_intent?.id).toBe(pi.id);
    const after = await t.stripe.paymentIntents.retrieve(pi.id);
    expect(after).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined' } });
    expect((await eventTypesSince(t.stripe, mark)).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
  });

  it('4000002500003155 requires action, then succeeds after control-API 3-D Secure', async () => {
    const mark = await latestEventId(t.stripe);
    const pm = await t.stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4000002500003155' },
    } as Stripe.PaymentMethodCreateParams);
    const pi = await t.stripe.paymentIntents.create({
      amount: 4200,
      currency: 'eur',
      payment_method: pm.id,
      confirm: true,
      return_url: 'https://shop.example/return',
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const { status, body } = await controlPost<Stripe.PaymentIntent>(t.sb.url, `/_sandbox/payment_intents/${pi.id}/confirm_3ds`);
    expect(status).toBe(200);
    expect(body.status).toBe('succeeded');
    expect((await eventTypesSince(t.stripe, mark)).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('cancel moves to canceled with payment_intent.canceled and refuses a succeeded intent', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const canceled = await t.stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect((await t.stripe.events.list({ type: 'payment_intent.canceled', limit: 1 })).data[0]!.data.object).toMatchObject({ id: pi.id });
    const paid = await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await expect(t.stripe.paymentIntents.cancel(paid.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
    const list = await t.stripe.paymentIntents.list({ limit: 2 });
    expect(list.data.map((p) => p.id)).toEqual([paid.id, pi.id]);
  });

  it('payment methods attach, list and detach', async () => {
    const customer = await t.stripe.customers.create({ name: 'pm owner' });
    const pm = await t.stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    expect(pm).toMatchObject({ customer: customer.id, card: { brand: 'mastercard' } });
    expect((await t.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data.map((p) => p.id)).toEqual([pm.id]);
    expect((await t.stripe.paymentMethods.detach(pm.id)).customer).toBeNull();
  });
});
