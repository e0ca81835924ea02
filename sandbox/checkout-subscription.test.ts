import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingAccount, monthlyPrice, verifiedEvents } from './testing/billing-fixture';
import { controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const t = useSandbox();
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

async function settledMark(): Promise<number> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
  return receiver.received.length;
}

describe('Checkout in subscription mode', () => {
  it('paying creates the customer and subscription; the session completes with `subscription` set, events in order', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const price = await monthlyPrice(stripe, 1900);
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://platform.example/ok?session={CHECKOUT_SESSION_ID}',
      subscription_data: { metadata: { tenant: 't-42' } },
    });
    expect(session).toMatchObject({ mode: 'subscription', status: 'open', amount_total: 1900, payment_intent: null, subscription: null });
    const mark = await settledMark();
    const paid = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/checkout/sessions/${session.id}/pay`, {
      email: 'new@example.com',
    });
    expect(paid.status).toBe(200);
    const completed = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const sub = completed.subscription as Stripe.Subscription;
    expect(sub).toMatchObject({ status: 'active', customer: completed.customer, metadata: { tenant: 't-42' } });
    expect(sub.default_payment_method).toMatch(/^pm_/);
    await settledMark();
    const types = verifiedEvents(receiver, secret, mark).map((e) => e.type);
    expect(types).toEqual([
      'customer.created',
      'payment_method.attached',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
  });

  it('subscription_data.trial_period_days: no payment required, subscription trialing', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const price = await monthlyPrice(stripe, 1900);
    const customer = await stripe.customers.create({ email: 'known@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { trial_period_days: 14 },
    });
    expect(session.amount_total).toBe(0);
    await controlPost(t.sb.url, `/_sandbox/checkout/sessions/${session.id}/pay`, {});
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'no_payment_required', customer: customer.id });
    expect(await stripe.subscriptions.retrieve(done.subscription as string)).toMatchObject({ status: 'trialing' });
  });

  it('a declined card answers 402 and creates nothing; one-time prices alone are refused', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const price = await monthlyPrice(stripe, 1900);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }] });
    const declined = await controlPost(t.sb.url, `/_sandbox/checkout/sessions/${session.id}/pay`, { card: '4000000000000002' });
    expect(declined.status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    expect((await stripe.subscriptions.list()).data).toHaveLength(0);
    const product = await stripe.products.create({ name: 'Once' });
    const oneTime = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 });
    await expect(
      stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: oneTime.id, quantity: 1 }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'line_items',
    });
  });

  it('discounts and typed promotion codes lower the total with integer arithmetic', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const price = await monthlyPrice(stripe, 1999);
    const coupon = await stripe.coupons.create({ percent_off: 12.5, duration: 'forever' });
    const discounted = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      discounts: [{ coupon: coupon.id }],
    });
    // 12.5% of 1999 = 249.875 → 250 off.
    expect(discounted).toMatchObject({ amount_subtotal: 1999, amount_total: 1749, total_details: { amount_discount: 250 } });
    await controlPost(t.sb.url, `/_sandbox/checkout/sessions/${discounted.id}/pay`, {});
    const sub = await stripe.subscriptions.retrieve((await stripe.checkout.sessions.retrieve(discounted.id)).subscription as string);
    expect(await stripe.invoices.retrieve(sub.latest_invoice as string)).toMatchObject({ subtotal: 1999, total: 1749, amount_paid: 1749 });
    const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'SPRING' });
    const open = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      allow_promotion_codes: true,
    });
    await controlPost(t.sb.url, `/_sandbox/checkout/sessions/${open.id}/pay`, { promotion_code: 'spring' });
    const done = await stripe.checkout.sessions.retrieve(open.id);
    expect(done).toMatchObject({ amount_total: 1749, discounts: [{ coupon: coupon.id, promotion_code: promo.id }] });
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
  });
});
