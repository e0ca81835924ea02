import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

describe('sandbox currencies', () => {
  it('refuses a currency Stripe does not support, on prices and payment intents, as Stripe does', async () => {
    const price = t.stripe.prices.create({ currency: 'xyz', unit_amount: 1000, product_data: { name: 'Widget' } });
    await expect(price).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(price).rejects.toMatchObject({ param: 'currency', message: expect.stringMatching(/^Invalid currency: xyz\./) });
    const intent = t.stripe.paymentIntents.create({ amount: 1000, currency: 'XYZ' });
    await expect(intent).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'currency' });
    // Supported ones, in any case, still work.
    expect((await t.stripe.paymentIntents.create({ amount: 1000, currency: 'EUR' })).currency).toBe('eur');
  });
});
