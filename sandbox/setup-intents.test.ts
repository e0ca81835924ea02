import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

describe('setup intents', () => {
  it('create and confirm with pm_card_visa: the method is attached to the customer (created, attached, succeeded)', async () => {
    const customer = await t.stripe.customers.create({ email: 'save@example.com' });
    await signed.clear();
    const seti = await t.stripe.setupIntents.create({ customer: customer.id, usage: 'off_session', metadata: { plan: 'p1' } });
    expect(seti).toMatchObject({
      object: 'setup_intent',
      status: 'requires_payment_method',
      usage: 'off_session',
      client_secret: expect.stringMatching(new RegExp(`^${seti.id}_secret_`)),
    });
    const confirmed = await t.stripe.setupIntents.confirm(seti.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    const pm = await t.stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    expect(pm.customer).toBe(customer.id);
    expect(await signed.types()).toEqual(['setup_intent.created', 'payment_method.attached', 'setup_intent.succeeded']);
    // The saved card now pays off-session.
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    expect((await t.stripe.setupIntents.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([seti.id]);
  });

  it('3-D Secure on setup: requires_action, then the control API (or the hosted page) completes it', async () => {
    const customer = await t.stripe.customers.create({ name: '3ds' });
    await signed.clear();
    const seti = await t.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: 'https://shop.example/done',
    });
    expect(seti).toMatchObject({ status: 'requires_action', next_action: { type: 'redirect_to_url' } });
    const { body } = await controlPost<Stripe.SetupIntent>(t.sb.url, `/_sandbox/setup_intents/${seti.id}/confirm_3ds`);
    expect(body.status).toBe('succeeded');
    expect(await signed.types()).toEqual([
      'setup_intent.created',
      'setup_intent.requires_action',
      'payment_method.attached',
      'setup_intent.succeeded',
    ]);

    const failing = await t.stripe.setupIntents.create({ payment_method: 'pm_card_threeDSecure2Required', confirm: true });
    const hosted = await fetch(`${t.sb.url}/3ds/${failing.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=fail',
    });
    expect(hosted.status).toBe(200);
    expect(await t.stripe.setupIntents.retrieve(failing.id)).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { code: 'setup_intent_authentication_failure' },
    });
  });

  it('a declining card fails setup (402, setup_intent.setup_failed); tok_chargeCustomerFail sets up fine', async () => {
    const seti = await t.stripe.setupIntents.create({});
    await signed.clear();
    let error: unknown;
    try {
      await t.stripe.setupIntents.confirm(seti.id, { payment_method: 'pm_card_chargeDeclined' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((error as Stripe.errors.StripeCardError).setup_intent?.id).toBe(seti.id);
    expect(await t.stripe.setupIntents.retrieve(seti.id)).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { code: 'card_declined' },
    });
    expect(await signed.types()).toEqual(['setup_intent.setup_failed']);
    const ok = await t.stripe.setupIntents.confirm(seti.id, {
      payment_method_data: { type: 'card', card: { token: 'tok_chargeCustomerFail' } } as Stripe.SetupIntentConfirmParams.PaymentMethodData,
    });
    expect(ok.status).toBe('succeeded');
  });

  it('update, cancel (setup_intent.canceled) and the refusals around them', async () => {
    const seti = await t.stripe.setupIntents.create({ description: 'first' });
    const updated = await t.stripe.setupIntents.update(seti.id, {
      description: 'second',
      metadata: { a: 'b' },
      payment_method: 'pm_card_visa',
    });
    expect(updated).toMatchObject({ description: 'second', metadata: { a: 'b' }, status: 'requires_confirmation' });
    await signed.clear();
    const canceled = await t.stripe.setupIntents.cancel(seti.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(await signed.types()).toEqual(['setup_intent.canceled']);
    await expect(t.stripe.setupIntents.confirm(seti.id)).rejects.toMatchObject({ code: 'setup_intent_unexpected_state' });
    await expect(t.stripe.setupIntents.cancel(seti.id)).rejects.toMatchObject({ code: 'setup_intent_unexpected_state' });
    await expect(t.stripe.setupIntents.retrieve('seti_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
