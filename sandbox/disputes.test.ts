import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

async function disputedPayment(pm: string): Promise<{ pi: Stripe.PaymentIntent; dispute: Stripe.Dispute }> {
  const pi = await t.stripe.paymentIntents.create({ amount: 4200, currency: 'usd', payment_method: pm, confirm: true });
  const [dispute] = (await t.stripe.disputes.list({ payment_intent: pi.id })).data;
  return { pi, dispute: dispute! };
}

describe('disputes', () => {
  it('pm_card_createDispute: the charge succeeds, then charge.dispute.created and .funds_withdrawn (needs_response)', async () => {
    const { pi, dispute } = await disputedPayment('pm_card_createDispute');
    expect(pi.status).toBe('succeeded');
    expect(dispute).toMatchObject({
      object: 'dispute',
      amount: 4200,
      charge: pi.latest_charge,
      status: 'needs_response',
      reason: 'fraudulent',
      is_charge_refundable: false,
    });
    expect((await t.stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
    const withdrawn = events[4]!.data.object as Stripe.Dispute;
    expect(withdrawn.balance_transactions).toHaveLength(1);
    expect(withdrawn.balance_transactions[0]).toMatchObject({ amount: -4200, fee: 1500, net: -5700 });
    // A charged-back charge cannot be refunded.
    await expect(t.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: 'charge_disputed' });
  });

  it('evidence is staged (submit=false), then submitted (under_review), then won through the control API', async () => {
    const { dispute } = await disputedPayment('pm_card_createDispute');
    await signed.clear();
    const staged = await t.stripe.disputes.update(dispute.id, {
      evidence: { customer_name: 'Jo Buyer', product_description: 'Annual plan' },
      metadata: { case: 'c1' },
      submit: false,
    });
    expect(staged).toMatchObject({
      status: 'needs_response',
      evidence: { customer_name: 'Jo Buyer' },
      evidence_details: { has_evidence: true, submission_count: 0 },
    });
    const submitted = await t.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'Receipt attached' } });
    expect(submitted).toMatchObject({ status: 'under_review', evidence_details: { submission_count: 1 } });
    const { status, body } = await controlPost<Stripe.Dispute>(t.sb.url, `/_sandbox/disputes/${dispute.id}/win`);
    expect(status).toBe(200);
    expect(body.status).toBe('won');
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual([
      'charge.dispute.updated',
      'charge.dispute.updated',
      'charge.dispute.funds_reinstated',
      'charge.dispute.closed',
    ]);
    expect(events[1]!.data.previous_attributes).toMatchObject({ status: 'needs_response' });
    expect((events[2]!.data.object as Stripe.Dispute).balance_transactions.map((b) => b.amount)).toEqual([-4200, 4200]);
    expect(events[3]!.data.previous_attributes).toEqual({ status: 'under_review' });
    await expect(t.stripe.disputes.update(dispute.id, { metadata: { late: 'yes' } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("lost through the control API: only charge.dispute.closed (status lost); Stripe's test evidence text decides too", async () => {
    const { dispute } = await disputedPayment('pm_card_createDispute');
    await signed.clear();
    await controlPost(t.sb.url, `/_sandbox/disputes/${dispute.id}/lose`);
    expect(await signed.types()).toEqual(['charge.dispute.closed']);
    expect((await t.stripe.disputes.retrieve(dispute.id)).status).toBe('lost');

    const second = await disputedPayment('pm_card_createDispute');
    await signed.clear();
    const won = await t.stripe.disputes.update(second.dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won.status).toBe('won');
    expect(await signed.types()).toEqual(['charge.dispute.updated', 'charge.dispute.funds_reinstated', 'charge.dispute.closed']);
  });

  it('pm_card_createDisputeInquiry opens an inquiry (no money moves); close accepts it as warning_closed', async () => {
    const { pi, dispute } = await disputedPayment('pm_card_createDisputeInquiry');
    expect(dispute).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true, balance_transactions: [] });
    expect((await signed.types()).slice(-1)).toEqual(['charge.dispute.created']);
    await signed.clear();
    const closed = await t.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe('warning_closed');
    expect(await signed.types()).toEqual(['charge.dispute.closed']);
    expect((await t.stripe.disputes.list({ charge: pi.latest_charge as string })).data.map((d) => d.id)).toEqual([dispute.id]);
  });

  it('closing a chargeback accepts the loss; the control API can dispute any succeeded charge', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const { status, body } = await controlPost<Stripe.Dispute>(t.sb.url, `/_sandbox/charges/${pi.latest_charge as string}/dispute`, {
      reason: 'product_not_received',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ reason: 'product_not_received', status: 'needs_response', amount: 800 });
    const unknown = t.stripe.disputes.update(body.id, { evidence: { colour: 'red' } as Stripe.DisputeUpdateParams.Evidence });
    await expect(unknown).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'evidence[colour]' });
    expect((await t.stripe.disputes.close(body.id)).status).toBe('lost');
    const again = await controlPost(t.sb.url, `/_sandbox/charges/${pi.latest_charge as string}/dispute`, {});
    expect(again.status).toBe(400);
    await expect(t.stripe.disputes.retrieve('dp_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
