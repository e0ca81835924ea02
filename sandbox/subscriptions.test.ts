import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingAccount, monthlyPrice, payingCustomer, verifiedEvents } from './testing/billing-fixture';
import { controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const t = useSandbox();
let receiver: WebhookReceiver;
const DAY = 86_400;
const START = Math.floor(Date.UTC(2031, 2, 1) / 1000);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

async function settledMark(): Promise<number> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
  return receiver.received.length;
}

async function typesSince(secret: string, from: number): Promise<string[]> {
  await settledMark();
  return verifiedEvents(receiver, secret, from)
    .map((e) => e.type)
    .filter((type) => !type.startsWith('test_helpers.'));
}

async function clockFor(stripe: Stripe): Promise<Stripe.TestHelpers.TestClock> {
  return stripe.testHelpers.testClocks.create({ frozen_time: START });
}

describe('subscriptions', () => {
  it('starts active when the first invoice is paid: created (incomplete) → invoice paid → updated (active)', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const { customer } = await payingCustomer(stripe);
    const price = await monthlyPrice(stripe, 1500);
    const mark = await settledMark();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
      metadata: { plan: 'pro' },
    });
    expect(sub).toMatchObject({ status: 'active', collection_method: 'charge_automatically', metadata: { plan: 'pro' } });
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 3000, billing_reason: 'subscription_create' });
    expect(await typesSince(secret, mark)).toEqual([
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
    ]);
    expect((await stripe.subscriptions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([sub.id]);
    expect((await stripe.subscriptionItems.list({ subscription: sub.id })).data[0]).toMatchObject({
      quantity: 2,
      price: { id: price.id },
      plan: { id: price.id, amount: 1500 },
    });
  });

  it('a card that attaches but declines charges leaves it incomplete, then incomplete_expired after 23 hours (first invoice voided)', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const clock = await clockFor(stripe);
    const { customer } = await payingCustomer(stripe, clock.id, 'pm_card_chargeCustomerFail');
    const price = await monthlyPrice(stripe, 1500);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('incomplete');
    expect(await stripe.invoices.retrieve(sub.latest_invoice as string)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: null,
    });
    const mark = await settledMark();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: START + DAY });
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: 'incomplete_expired', ended_at: START + 23 * 3600 });
    expect(await typesSince(secret, mark)).toEqual(['payment_intent.canceled', 'invoice.voided', 'customer.subscription.deleted']);
  });

  it('default_incomplete: the client confirms the invoice PaymentIntent, which pays the invoice and activates', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({});
    const price = await monthlyPrice(stripe, 2500);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payments'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    const piId = invoice.payments!.data[0]!.payment.payment_intent as string;
    await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
  });

  it('a trial without a payment method pauses when asked to, and resume bills a new period', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const clock = await clockFor(stripe);
    const customer = await stripe.customers.create({ test_clock: clock.id });
    const price = await monthlyPrice(stripe, 900);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_end: START + 3 * DAY,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    const mark = await settledMark();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: START + 4 * DAY });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused');
    expect(await typesSince(secret, mark)).toEqual([
      'customer.subscription.trial_will_end',
      'customer.subscription.updated',
      'customer.subscription.paused',
    ]);
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: pm.id });
    const resumed = await stripe.subscriptions.resume(sub.id);
    expect(resumed).toMatchObject({ status: 'active', billing_cycle_anchor: START + 4 * DAY });
    expect(await stripe.invoices.retrieve(resumed.latest_invoice as string)).toMatchObject({ status: 'paid', amount_paid: 900 });
  });

  it('after the last retry fails: unpaid when the account says so (retries 1 and 2 days apart)', async () => {
    const { stripe, account } = await billingAccount(t, receiver);
    expect(
      (await controlPost(t.sb.url, '/_sandbox/billing_settings', { account, retry_days: [1, 2], after_final_failure: 'unpaid' })).status,
    ).toBe(200);
    const clock = await clockFor(stripe);
    const { customer } = await payingCustomer(stripe, clock.id);
    const price = await monthlyPrice(stripe, 1200);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await stripe.customers.update(customer.id, {
      invoice_settings: {
        default_payment_method: (await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id })).id,
      },
    });
    const renewal = sub.items.data[0]!.current_period_end;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: renewal + 2 * 3600 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: renewal + 4 * DAY });
    const invoice = (await stripe.invoices.list({ subscription: sub.id, status: 'open' })).data[0]!;
    expect(invoice).toMatchObject({ attempt_count: 3, next_payment_attempt: null });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
  });

  it('cancel_at_period_end ends it at the period end (customer.subscription.deleted); updates carry previous_attributes', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const clock = await clockFor(stripe);
    const { customer } = await payingCustomer(stripe, clock.id);
    const basic = await monthlyPrice(stripe, 1000, 'Basic');
    const pro = await monthlyPrice(stripe, 3000, 'Pro');
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] });
    const mark = await settledMark();
    const switched = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: pro.id }],
      proration_behavior: 'none',
    });
    expect(switched.items.data[0]!.price.id).toBe(pro.id);
    const ending = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const periodEnd = sub.items.data[0]!.current_period_end;
    expect(ending).toMatchObject({ cancel_at_period_end: true, cancel_at: periodEnd, status: 'active' });
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(preview).toMatchObject({ amount_due: 3000, billing_reason: 'subscription_cycle' });
    expect(preview.id).toBeUndefined();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: periodEnd + 60 });
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: 'canceled', ended_at: periodEnd });
    await settledMark();
    const all = verifiedEvents(receiver, secret, mark).filter((e) => !e.type.startsWith('test_helpers.'));
    expect(all.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
    expect(all[1]!.data.previous_attributes).toMatchObject({ cancel_at_period_end: false, cancel_at: null });
  });

  it('send_invoice subscriptions are active at once; their invoice finalizes after the draft hour and is sent', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const clock = await clockFor(stripe);
    const customer = await stripe.customers.create({ test_clock: clock.id, email: 'ap@example.com' });
    const price = await monthlyPrice(stripe, 5000);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    expect(sub.status).toBe('active');
    expect((await stripe.invoices.retrieve(sub.latest_invoice as string)).status).toBe('draft');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: START + 2 * 3600 });
    expect(await stripe.invoices.retrieve(sub.latest_invoice as string)).toMatchObject({
      status: 'open',
      due_date: START + 3600 + 30 * DAY,
    });
  });

  it('schedules: create from phases, release keeps the subscription, cancel ends it', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const { customer } = await payingCustomer(stripe);
    const price = await monthlyPrice(stripe, 700);
    const mark = await settledMark();
    const schedule = await stripe.subscriptionSchedules.create({ customer: customer.id, phases: [{ items: [{ price: price.id }] }] });
    expect(schedule).toMatchObject({ object: 'subscription_schedule', status: 'active', end_behavior: 'release' });
    const sub = await stripe.subscriptions.retrieve(schedule.subscription as string);
    expect(sub).toMatchObject({ status: 'active', schedule: schedule.id });
    const released = await stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({ status: 'released', released_subscription: sub.id, subscription: null });
    expect((await stripe.subscriptions.retrieve(sub.id)).schedule).toBeNull();
    const second = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const canceled = await stripe.subscriptionSchedules.cancel(second.id);
    expect(canceled.status).toBe('canceled');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
    const types = await typesSince(secret, mark);
    expect(types.filter((type) => type.startsWith('subscription_schedule.'))).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.released',
      'subscription_schedule.created',
      'subscription_schedule.canceled',
    ]);
  });

  it('plans are recurring prices under their legacy name, usable on subscriptions', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const mark = await settledMark();
    const plan = await stripe.plans.create({
      id: 'gold-monthly',
      amount: 4900,
      currency: 'usd',
      interval: 'month',
      product: { name: 'Gold' },
    });
    expect(plan).toMatchObject({ id: 'gold-monthly', object: 'plan', amount: 4900, interval: 'month', interval_count: 1 });
    expect(await stripe.prices.retrieve('gold-monthly')).toMatchObject({ unit_amount: 4900, recurring: { interval: 'month' } });
    expect((await stripe.plans.update(plan.id, { nickname: 'Gold' })).nickname).toBe('Gold');
    expect((await stripe.plans.list({ product: plan.product as string })).data.map((p) => p.id)).toEqual(['gold-monthly']);
    const { customer } = await payingCustomer(stripe);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ plan: plan.id }] });
    expect(sub.items.data[0]!.plan).toMatchObject({ id: 'gold-monthly', amount: 4900 });
    expect(await stripe.plans.del(plan.id)).toMatchObject({ id: plan.id, deleted: true });
    await expect(stripe.plans.retrieve(plan.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await typesSince(secret, mark)).slice(0, 4)).toEqual(['product.created', 'plan.created', 'price.created', 'plan.updated']);
  });

  // Last in the file: moving the sandbox clock renews every clock-less subscription of the file.
  it('customers without a test clock are billed on the sandbox clock (/_sandbox/clock/advance)', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const { customer } = await payingCustomer(stripe);
    const price = await monthlyPrice(stripe, 800);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const periodEnd = sub.items.data[0]!.current_period_end;
    const { body } = await controlPost<{ now: number }>(t.sb.url, '/_sandbox/clock/advance', {
      seconds: periodEnd - sub.created + 2 * 3600,
    });
    expect(body.now).toBeGreaterThanOrEqual(periodEnd + 2 * 3600);
    const invoices = await stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 800],
      ['subscription_create', 'paid', 800],
    ]);
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data[0]!.current_period_start).toBe(periodEnd);
  });
});
