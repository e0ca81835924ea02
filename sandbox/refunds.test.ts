import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

async function paid(amount: number, pm = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  const pi = await t.stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: pm, confirm: true });
  await signed.clear();
  return pi;
}

describe('refunds', () => {
  it('partial then full: amount_refunded and refunded stay exact; charge.refunded then refund.created each time', async () => {
    const pi = await paid(1999);
    const first = await t.stripe.refunds.create({
      payment_intent: pi.id,
      amount: 500,
      reason: 'requested_by_customer',
      metadata: { n: '1' },
    });
    expect(first).toMatchObject({ object: 'refund', amount: 500, status: 'succeeded', charge: pi.latest_charge, payment_intent: pi.id });
    let charge = await t.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 500, refunded: false });
    const rest = await t.stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(1499);
    charge = await t.stripe.charges.retrieve(charge.id);
    expect(charge).toMatchObject({ amount_refunded: 1999, refunded: true });
    expect(charge.refunds!.data.map((r) => r.id)).toEqual([rest.id, first.id]);

    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual(['charge.refunded', 'refund.created', 'charge.refunded', 'refund.created']);
    expect(events[0]!.data.previous_attributes).toMatchObject({ amount_refunded: 0 });
    expect((events[2]!.data.object as Stripe.Charge).refunded).toBe(true);

    const again = t.stripe.refunds.create({ charge: charge.id, amount: 1 });
    await expect(again).rejects.toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
    expect((await t.stripe.balance.retrieve()).pending[0]!.amount).toBe(0);
  });

  it('refuses more than is left, and a request naming neither charge nor payment intent', async () => {
    const pi = await paid(1000);
    await expect(t.stripe.refunds.create({ payment_intent: pi.id, amount: 1001 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
    });
    await expect(t.stripe.refunds.create({})).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('payment_intent or charge'),
    });
    await expect(t.stripe.refunds.create({ charge: 'ch_missing' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'charge',
    });
    expect((await t.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(0);
  });

  it('retrieve, update metadata (charge.refund.updated, refund.updated), list by charge, cancel refused for a card refund', async () => {
    const pi = await paid(3000);
    const refund = await t.stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    await signed.clear();
    const updated = await t.stripe.refunds.update(refund.id, { metadata: { ticket: 'T-1' } });
    expect(updated.metadata).toEqual({ ticket: 'T-1' });
    expect((await t.stripe.refunds.retrieve(refund.id)).metadata).toEqual({ ticket: 'T-1' });
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual(['charge.refund.updated', 'refund.updated']);
    expect(events[1]!.data.previous_attributes).toEqual({ metadata: { ticket: null } });
    expect((await t.stripe.refunds.list({ charge: pi.latest_charge as string })).data.map((r) => r.id)).toEqual([refund.id]);
    await expect(t.stripe.refunds.cancel(refund.id)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('requires_action'),
    });
  });

  it('a refund failed through the control API puts the amount back on the charge: charge.refund.updated, refund.updated, refund.failed', async () => {
    const pi = await paid(2500);
    const refund = await t.stripe.refunds.create({ payment_intent: pi.id });
    await signed.clear();
    const { status, body } = await controlPost<Stripe.Refund>(t.sb.url, `/_sandbox/refunds/${refund.id}/fail`, {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(await signed.types()).toEqual(['charge.refund.updated', 'refund.updated', 'refund.failed']);
    expect(await t.stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ amount_refunded: 0, refunded: false });
    // The money is refundable again.
    await expect(t.stripe.refunds.create({ payment_intent: pi.id, amount: 2500 })).resolves.toMatchObject({ status: 'succeeded' });
  });
});
