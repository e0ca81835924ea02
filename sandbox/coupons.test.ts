import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingAccount, monthlyPrice, payingCustomer, verifiedEvents } from './testing/billing-fixture';
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

describe('coupons, promotion codes and discounts', () => {
  it('coupon CRUD and validation; promotion codes with limits', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const coupon = await stripe.coupons.create({
      id: 'TEN',
      amount_off: 1000,
      currency: 'usd',
      duration: 'repeating',
      duration_in_months: 3,
      max_redemptions: 5,
    });
    expect(coupon).toMatchObject({
      id: 'TEN',
      object: 'coupon',
      amount_off: 1000,
      currency: 'usd',
      duration_in_months: 3,
      valid: true,
      times_redeemed: 0,
    });
    await expect(stripe.coupons.create({ duration: 'once' })).rejects.toMatchObject({ code: 'parameter_missing' });
    await expect(stripe.coupons.create({ percent_off: 150, duration: 'once' })).rejects.toMatchObject({ param: 'percent_off' });
    expect((await stripe.coupons.update('TEN', { name: 'Ten off' })).name).toBe('Ten off');
    const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'TEN' }, code: 'WELCOME', max_redemptions: 1 });
    expect(promo).toMatchObject({ object: 'promotion_code', code: 'WELCOME', active: true, promotion: { coupon: 'TEN', type: 'coupon' } });
    expect((await stripe.promotionCodes.list({ code: 'WELCOME' })).data.map((p) => p.id)).toEqual([promo.id]);
    const first = await stripe.customers.create({ promotion_code: promo.id } as Stripe.CustomerCreateParams);
    expect(first.discount).toMatchObject({ object: 'discount', promotion_code: promo.id, source: { coupon: 'TEN', type: 'coupon' } });
    await expect(stripe.customers.create({ promotion_code: promo.id } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(await stripe.coupons.del('TEN')).toMatchObject({ id: 'TEN', deleted: true });
    await expect(stripe.coupons.retrieve('TEN')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a customer discount: customer.discount.created / updated / deleted, and renewals are discounted', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const half = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
    const third = await stripe.coupons.create({ percent_off: 33.33, duration: 'once' });
    const { customer } = await payingCustomer(stripe);
    const mark = await settledMark();
    await stripe.customers.update(customer.id, { coupon: half.id } as Stripe.CustomerUpdateParams);
    await stripe.customers.update(customer.id, { coupon: third.id } as Stripe.CustomerUpdateParams);
    const price = await monthlyPrice(stripe, 1001);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    // 33.33% of 1001 = 333.6333 → 334 off, 667 due.
    expect(await stripe.invoices.retrieve(sub.latest_invoice as string)).toMatchObject({
      subtotal: 1001,
      total: 667,
      amount_paid: 667,
      total_discount_amounts: [{ amount: 334 }],
    });
    const removed = await stripe.customers.deleteDiscount(customer.id);
    expect(removed).toMatchObject({ object: 'discount', deleted: true });
    await settledMark();
    const types = verifiedEvents(receiver, secret, mark)
      .map((e) => e.type)
      .filter((type) => type.startsWith('customer.discount.') || type === 'customer.updated');
    expect(types).toEqual([
      'customer.discount.created',
      'customer.updated',
      'customer.discount.updated',
      'customer.updated',
      'customer.discount.deleted',
    ]);
  });

  it('subscription discounts: `discounts[][coupon]` on create, deleteDiscount removes it', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever' });
    const { customer } = await payingCustomer(stripe);
    const price = await monthlyPrice(stripe, 2000);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: coupon.id }],
    });
    expect(sub.discounts).toHaveLength(1);
    expect(await stripe.invoices.retrieve(sub.latest_invoice as string)).toMatchObject({ total: 1500, amount_paid: 1500 });
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
    expect(await stripe.subscriptions.deleteDiscount(sub.id)).toMatchObject({ deleted: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([]);
    expect((await stripe.invoices.createPreview({ subscription: sub.id })).total).toBe(2000);
  });
});
