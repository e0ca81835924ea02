import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingAccount, monthlyPrice, payingCustomer, verifiedEvents } from './testing/billing-fixture';
import { controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const t = useSandbox();
let receiver: WebhookReceiver;
const DAY = 24 * 60 * 60;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

// Clock bookkeeping events, which Stripe sends around every advance, are left out of the sequences.
function billingTypes(events: Stripe.Event[]): string[] {
  return events.map((e) => e.type).filter((type) => !type.startsWith('test_helpers.'));
}

async function settle(): Promise<void> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
}

describe('a subscription lifecycle on a test clock', () => {
  it('trial → active → renewal paid → renewal failed → past_due → recovered → canceled, with Stripe’s events in order', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const start = Math.floor(Date.UTC(2030, 0, 15, 12) / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'lifecycle' });
    const { customer } = await payingCustomer(stripe, clock.id);
    const price = await monthlyPrice(stripe, 2000);
    await settle();
    let mark = receiver.received.length;

    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 7 });
    expect(sub).toMatchObject({ status: 'trialing', trial_start: start, trial_end: start + 7 * DAY, test_clock: clock.id });
    expect(sub.items.data[0]).toMatchObject({ current_period_start: start, current_period_end: start + 7 * DAY });
    await settle();
    let events = verifiedEvents(receiver, secret, mark);
    expect(billingTypes(events)).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const trialInvoice = events[1]!.data.object as Stripe.Invoice;
    expect(trialInvoice).toMatchObject({ billing_reason: 'subscription_create', amount_due: 0, total: 0 });
    expect(trialInvoice.parent?.subscription_details?.subscription).toBe(sub.id);

    // Trial end: the notice 3 days ahead, then active with a draft invoice finalized and charged an hour later.
    mark = receiver.received.length;
    const trialEnd = start + 7 * DAY;
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: trialEnd + 2 * 3600 });
    expect(advancing.status).toBe('advancing');
    expect(await stripe.testHelpers.testClocks.retrieve(clock.id)).toMatchObject({ status: 'ready', frozen_time: trialEnd + 2 * 3600 });
    await settle();
    events = verifiedEvents(receiver, secret, mark);
    expect(events.map((e) => e.type)).toEqual([
      'test_helpers.test_clock.advancing',
      'customer.subscription.trial_will_end',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
      'test_helpers.test_clock.ready',
    ]);
    const activated = events[3]!;
    expect(activated.data.object).toMatchObject({ status: 'active' });
    expect(activated.data.previous_attributes).toMatchObject({ status: 'trialing' });
    const firstPaid = events[8]!.data.object as Stripe.Invoice;
    expect(firstPaid).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 2000, status: 'paid', attempt_count: 1 });
    expect(firstPaid.lines.data[0]).toMatchObject({ amount: 2000, period: { start: trialEnd, end: trialEnd + 31 * DAY } });

    // First renewal (Feb 22 → Mar 22 2030: 28 days): the upcoming notice, then paid.
    mark = receiver.received.length;
    const renewal = trialEnd + 31 * DAY;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: renewal + 2 * 3600 });
    await settle();
    expect(billingTypes(verifiedEvents(receiver, secret, mark))).toEqual([
      'invoice.upcoming',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
    ]);

    // Second renewal fails (control switch) → past_due with a retry scheduled 3 days later.
    expect((await controlPost(t.sb.url, `/_sandbox/subscriptions/${sub.id}/fail_next_payment`)).status).toBe(200);
    mark = receiver.received.length;
    const second = renewal + 28 * DAY;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: second + 2 * 3600 });
    await settle();
    events = verifiedEvents(receiver, secret, mark);
    expect(billingTypes(events)).toEqual([
      'invoice.upcoming',
      'invoice.created',
      'customer.subscription.updated',
      'invoice.finalized',
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    const failed = events.find((e) => e.type === 'invoice.payment_failed')!.data.object as Stripe.Invoice;
    expect(failed).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: second + 3600 + 3 * DAY });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');

    // The retry succeeds: paid, and the subscription recovers.
    mark = receiver.received.length;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: second + 4 * DAY });
    await settle();
    events = verifiedEvents(receiver, secret, mark);
    expect(billingTypes(events)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
      'customer.subscription.updated',
    ]);
    expect(events.find((e) => e.type === 'invoice.paid')!.data.object).toMatchObject({ id: failed.id, attempt_count: 2 });
    expect(events.find((e) => e.type === 'customer.subscription.updated')!.data.previous_attributes).toMatchObject({ status: 'past_due' });

    // Canceled.
    mark = receiver.received.length;
    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled).toMatchObject({
      status: 'canceled',
      ended_at: second + 4 * DAY,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    await settle();
    expect(billingTypes(verifiedEvents(receiver, secret, mark))).toEqual(['customer.subscription.deleted']);
    const invoices = await stripe.invoices.list({ subscription: sub.id, limit: 10 });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 2000],
      ['subscription_cycle', 'paid', 2000],
      ['subscription_cycle', 'paid', 2000],
      ['subscription_create', 'paid', 0],
    ]);
  });
});
