import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe("Stripe's test payment methods, tokens and card numbers", () => {
  it('an unknown test id or token is 404 resource_missing, never a succeeding card', async () => {
    const pm = await rejection(
      t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_nope', confirm: true }),
    );
    expect(pm).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'payment_method' });
    const token = await rejection(t.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }));
    expect(token).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'card[token]' });
    const source = await rejection(t.stripe.customers.create({ source: 'tok_nope' }));
    expect(source).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'source' });
    expect((await t.stripe.customers.list({ limit: 100 })).data).toEqual([]);
  });

  it.each([
    ['pm_card_visa', 'succeeded', undefined],
    ['pm_card_mastercard_prepaid', 'succeeded', undefined],
    ['pm_card_bypassPending', 'succeeded', undefined],
    ['pm_card_chargeDeclined', 'declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'declined', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'declined', 'incorrect_cvc'],
    ['pm_card_chargeCustomerFail', 'declined', 'generic_decline'],
    ['pm_card_threeDSecure2Required', 'requires_action', undefined],
    ['pm_card_authenticationRequired', 'requires_action', undefined],
  ])('%s → %s %s', async (pm, outcome, declineCode) => {
    const result = t.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      payment_method: pm,
      confirm: true,
      return_url: 'https://shop.example/r',
    });
    if (outcome === 'declined') {
      const error = await rejection(result);
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(error).toMatchObject({ statusCode: 402, decline_code: declineCode });
    } else {
      expect((await result).status).toBe(outcome);
    }
  });

  it('card numbers from the testing docs work in payment_method_data; a Luhn-invalid number is incorrect_number', async () => {
    const amex = await t.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method_data: {
        type: 'card',
        card: { number: '378282246310005', exp_month: 4, exp_year: 2031, cvc: '1234' },
      } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
      confirm: true,
      expand: ['payment_method'],
    });
    expect(amex.status).toBe('succeeded');
    expect((amex.payment_method as Stripe.PaymentMethod).card).toMatchObject({
      brand: 'amex',
      last4: '0005',
      exp_month: 4,
      exp_year: 2031,
    });
    const bad = await rejection(
      t.stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241' } } as Stripe.PaymentMethodCreateParams),
    );
    expect(bad).toMatchObject({ statusCode: 402, code: 'incorrect_number' });
  });

  it('bypassPending funds are available at once; ordinary card funds are pending', async () => {
    const account = await t.sb.createAccount();
    const stripe = t.sb.stripe(account.secret_key);
    await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const balance = await stripe.balance.retrieve();
    expect(balance.available[0]!.amount).toBe(1200);
    expect(balance.pending[0]!.amount).toBe(800);
  });

  it('off-session: authenticationRequired fails with authentication_required; authenticationRequiredOnSetup goes through', async () => {
    const customer = await t.stripe.customers.create({ email: 'off@example.com' });
    const error = await rejection(
      t.stripe.paymentIntents.create({
        amount: 990,
        currency: 'usd',
        customer: customer.id,
        payment_method: 'pm_card_authenticationRequired',
        confirm: true,
        off_session: true,
      }),
    );
    expect(error).toMatchObject({ statusCode: 402, code: 'authentication_required' });
    const ok = await t.stripe.paymentIntents.create({
      amount: 990,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      off_session: true,
    });
    expect(ok.status).toBe('succeeded');
  });

  it('tok_chargeCustomerFail attaches to a customer as its default source, then every charge fails', async () => {
    const customer = await t.stripe.customers.create({ email: 'fail@example.com', source: 'tok_chargeCustomerFail' });
    expect(customer.default_source).toMatch(/^card_/);
    const card = await t.stripe.paymentMethods.retrieve(customer.default_source as string);
    expect(card).toMatchObject({ customer: customer.id, card: { last4: '0341' } });
    const error = await rejection(t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id, confirm: true }));
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined' });
    const visa = await t.stripe.customers.create({ source: 'tok_visa' });
    const paid = await t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: visa.id, confirm: true });
    expect(paid).toMatchObject({ status: 'succeeded', payment_method: visa.default_source });
    // A card that declines outright cannot even be saved.
    expect(await rejection(t.stripe.customers.create({ source: 'tok_chargeDeclined' }))).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
    });
  });

  it('POST /v1/tokens turns a test card number into a single-use token for `source` or `card[token]`', async () => {
    const token = await t.stripe.tokens.create({ card: { number: '4000000000000341', exp_month: '7', exp_year: '2032', cvc: '314' } });
    expect(token).toMatchObject({ object: 'token', type: 'card', used: false, card: { last4: '0341', exp_month: 7, exp_year: 2032 } });
    expect(JSON.stringify(token)).not.toContain('4000000000000341');
    const customer = await t.stripe.customers.create({ source: token.id });
    expect((await t.stripe.tokens.retrieve(token.id)).used).toBe(true);
    expect(await rejection(t.stripe.customers.create({ source: token.id }))).toMatchObject({ statusCode: 400, code: 'token_already_used' });
    expect(
      await rejection(t.stripe.paymentIntents.create({ amount: 600, currency: 'usd', customer: customer.id, confirm: true })),
    ).toMatchObject({
      statusCode: 402,
    });
    const visa = await t.stripe.tokens.create({ card: { number: '4242424242424242', exp_month: '1', exp_year: '2033' } });
    const pm = await t.stripe.paymentMethods.create({ type: 'card', card: { token: visa.id } });
    expect(pm.card).toMatchObject({ last4: '4242' });
  });

  it('attach, detach and automatically_updated (control API) arrive as signed payment_method.* events', async () => {
    const customer = await t.stripe.customers.create({ name: 'wallet' });
    const pm = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const { status, body } = await controlPost<Stripe.PaymentMethod>(t.sb.url, `/_sandbox/payment_methods/${pm.id}/automatically_update`, {
      exp_month: 3,
      exp_year: 2034,
    });
    expect(status).toBe(200);
    expect(body.card).toMatchObject({ exp_month: 3, exp_year: 2034 });
    expect((await t.stripe.customers.listPaymentMethods(customer.id, { type: 'card' })).data.map((p) => p.id)).toEqual([pm.id]);
    await t.stripe.paymentMethods.detach(pm.id);
    expect((await t.stripe.customers.listPaymentMethods(customer.id)).data).toEqual([]);
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual([
      'customer.created',
      'payment_method.attached',
      'payment_method.automatically_updated',
      'payment_method.detached',
    ]);
    expect(events[2]!.data.previous_attributes).toEqual({ card: expect.objectContaining({ exp_month: 12 }) });
    await expect(t.stripe.paymentMethods.attach('pm_card_chargeDeclined', { customer: customer.id })).rejects.toMatchObject({
      statusCode: 402,
    });
  });
});
