import Stripe from 'stripe';
import type { SandboxFixture } from './use-sandbox';
import type { WebhookReceiver } from './webhook-receiver';

const verifier = new Stripe('sk_test_unused');

/** A fresh account with a webhook endpoint on `receiver` taking every event; returns its SDK client and secret. */
export async function billingAccount(
  t: SandboxFixture,
  receiver: WebhookReceiver,
): Promise<{ stripe: Stripe; account: string; secret: string }> {
  const account = await t.sb.createAccount();
  const stripe = t.sb.stripe(account.secret_key);
  const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
  return { stripe, account: account.id, secret: endpoint.secret! };
}

/**
 * Every webhook received since `from`, each verified with the SDK's `constructEvent` against the
 * endpoint secret (a bad signature throws), in arrival order.
 */
export function verifiedEvents(receiver: WebhookReceiver, secret: string, from = 0): Stripe.Event[] {
  return receiver.received
    .slice(from)
    .map((hook) => verifier.webhooks.constructEvent(hook.body, String(hook.headers['stripe-signature']), secret));
}

/** A monthly price of `amount` cents on a new product. */
export async function monthlyPrice(stripe: Stripe, amount: number, name = 'Pro plan'): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

/** A customer (on `testClock` when given) with a Visa card as invoice default. */
export async function payingCustomer(
  stripe: Stripe,
  testClock?: string,
  paymentMethod = 'pm_card_visa',
): Promise<{ customer: Stripe.Customer; pm: Stripe.PaymentMethod }> {
  const customer = await stripe.customers.create({ email: 'subscriber@example.com', ...(testClock ? { test_clock: testClock } : {}) });
  const pm = await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { customer, pm };
}
