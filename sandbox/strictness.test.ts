import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

async function call(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; error: { type: string; message: string; code?: string; param?: string } }> {
  const response = await fetch(`${t.sb.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.account.secret_key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, error: ((await response.json()) as { error: never }).error };
}

describe('strictness: nothing unimplemented is silently accepted', () => {
  it.each([
    ['GET', '/v1/payouts'],
    ['POST', '/v1/transfers'],
    ['GET', '/v1/issuing/authorizations'],
    ['POST', '/v1/refunds/re_123/reverse'],
    ['DELETE', '/v1/refunds/re_123'],
    ['POST', '/v1/payment_intents/pi_123/verify_microdeposits'],
  ])('%s %s answers 404 naming the route', async (method, path) => {
    const { status, error } = await call(method, path, method === 'POST' ? '' : undefined);
    expect(status).toBe(404);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain(`Unrecognized request URL (${method}: ${path})`);
  });

  it('unknown parameters, top-level and nested, are 400 parameter_unknown naming them', async () => {
    const cases: Array<[Promise<unknown>, string]> = [
      [t.stripe.refunds.create({ charge: 'ch_x', instructions_email: 'a@example.com' }), 'instructions_email'],
      [t.stripe.setupIntents.create({ flow_directions: ['inbound'] }), 'flow_directions'],
      [
        t.stripe.issuing.cards.create({
          cardholder: 'ich_x',
          currency: 'usd',
          type: 'virtual',
          pin: { encrypted_number: 'x' },
        } as Stripe.Issuing.CardCreateParams),
        'pin',
      ],
      [
        t.stripe.paymentIntents.create({
          amount: 1000,
          currency: 'usd',
          payment_method_options: { card: { capture_method: 'manual' } },
        }),
        'payment_method_options[card][capture_method]',
      ],
      [
        t.stripe.paymentMethods.create({
          type: 'card',
          card: { number: '4242424242424242' },
          colour: 'red',
        } as Stripe.PaymentMethodCreateParams),
        'colour',
      ],
      [t.stripe.customers.create({ invoice_settings: { custom_fields: [{ name: 'a', value: 'b' }] } }), 'invoice_settings[custom_fields]'],
    ];
    for (const [promise, param] of cases) {
      await expect(promise, param).rejects.toMatchObject({
        statusCode: 400,
        code: 'parameter_unknown',
        param,
        message: `Received unknown parameter: ${param}`,
      });
    }
    // Nothing was created by the refused calls.
    expect((await t.stripe.customers.list()).data).toEqual([]);
    expect((await t.stripe.paymentIntents.list()).data).toEqual([]);
  });

  it('Stripe-valid parameters the sandbox now implements are accepted and take effect', async () => {
    const customer = await t.stripe.customers.create({
      preferred_locales: ['fr'],
      tax_exempt: 'exempt',
      balance: -500,
      shipping: { name: 'Jo', address: { line1: '1 Rue', city: 'Paris', country: 'FR' } },
      invoice_settings: { footer: 'Merci' },
    });
    expect(customer).toMatchObject({
      preferred_locales: ['fr'],
      tax_exempt: 'exempt',
      balance: -500,
      shipping: { name: 'Jo', address: { city: 'Paris' } },
      invoice_settings: { footer: 'Merci' },
    });
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      payment_method_options: { card: { request_three_d_secure: 'any' } },
      payment_method: 'pm_card_visa',
      statement_descriptor_suffix: 'ORDER 9',
      confirm: true,
    });
    // request_three_d_secure=any sends even 4242 through 3-D Secure.
    expect(pi).toMatchObject({
      status: 'requires_action',
      statement_descriptor_suffix: 'ORDER 9',
      automatic_payment_methods: { allow_redirects: 'never' },
    });
  });
});
