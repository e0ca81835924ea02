import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  invoiceBody,
  payLink,
  sandboxControl,
  settle,
  useConnectedWorld,
  useSandbox,
  type BillingWorld,
} from '../../invoices/support';

const sandbox = useSandbox();

describe('refunds of a paid invoice: one through Paybridge, one made in Stripe directly', () => {
  // Every delivery arrives twice and in shuffled order.
  const connected = useConnectedWorld(sandbox, { shuffle: true, duplicate_rate: 1 });
  let world: BillingWorld;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  beforeAll(() => ({ world, stripe, tenantId, connectionId } = connected()));

  const api = (method: string, path: string, body?: unknown) => connected().api(method, path, body);

  async function paidInvoice() {
    const created = await api('POST', '/invoices', invoiceBody(connectionId));
    expect(created.status).toBe(201);
    const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
    expect(finalized.status).toBe(200);
    const session = await payLink(sandbox(), finalized.body.payment_link_id);
    await settle(world, sandbox());
    const paid = await api('GET', `/invoices/${created.body.id}`);
    expect(paid.body.status).toBe('paid');
    return { invoiceId: created.body.id as string, paymentIntent: session.payment_intent as string };
  }

  const domainEvents = (type: string, objectId: string) =>
    world.h.ctx.store.db
      .selectFrom('domain_events')
      .select(['type', 'snapshot'])
      .where('tenant_id', '=', tenantId)
      .where('type', '=', type)
      .where('object_id', '=', objectId)
      .execute();

  it('a partial refund through Paybridge, then the rest refunded in Stripe: linked, right amounts, refunded, each event once', async () => {
    const { invoiceId, paymentIntent } = await paidInvoice();

    const partial = await api('POST', `/invoices/${invoiceId}/refunds`, { amount: 500, reason: 'requested_by_customer' });
    expect(partial.status, JSON.stringify(partial.body)).toBe(201);
    expect(partial.body).toMatchObject({
      amount: 500,
      amount_display: '5.00',
      currency: 'USD',
      status: 'succeeded',
      source: 'paybridge',
      reason: 'requested_by_customer',
      payable: { type: 'invoice', id: invoiceId },
      payment_intent_id: paymentIntent,
    });
    const stripeRefund = await stripe.refunds.retrieve(partial.body.stripe_refund_id);
    expect(stripeRefund.metadata).toMatchObject({
      paybridge_payable_type: 'invoice',
      paybridge_payable_id: invoiceId,
      paybridge_tenant_id: tenantId,
    });
    let invoice = (await api('GET', `/invoices/${invoiceId}`)).body;
    expect(invoice).toMatchObject({ status: 'paid', amount_refunded: 500, amount_refunded_display: '5.00' });
    expect(invoice.payments[0].refunded_amount).toBe(500);

    // The rest, refunded in Stripe's dashboard: no Paybridge metadata, found through its payment intent.
    const direct = await stripe.refunds.create({ payment_intent: paymentIntent });
    expect(direct.amount).toBe(1500);
    await settle(world, sandbox());

    invoice = (await api('GET', `/invoices/${invoiceId}`)).body;
    expect(invoice).toMatchObject({ status: 'refunded', amount_refunded: 2000 });
    expect(invoice.payments).toEqual([expect.objectContaining({ amount: 2000, refunded_amount: 2000 })]);
    const refunds = (await api('GET', `/invoices/${invoiceId}/refunds`)).body.data;
    expect(refunds).toHaveLength(2);
    expect(refunds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stripe_refund_id: partial.body.stripe_refund_id, amount: 500, source: 'paybridge', status: 'succeeded' }),
        expect.objectContaining({
          stripe_refund_id: direct.id,
          amount: 1500,
          source: 'stripe',
          status: 'succeeded',
          payment_id: invoice.payments[0].id,
        }),
      ]),
    );

    // Every event came twice; each business change was recorded once.
    expect(await domainEvents('payment.refunded', invoiceId)).toHaveLength(2);
    expect(await domainEvents('invoice.refunded', invoiceId)).toHaveLength(1);
    expect(await domainEvents('refund.failed', invoiceId)).toHaveLength(0);

    // Nothing is left: a further refund says so.
    const more = await api('POST', `/invoices/${invoiceId}/refunds`, {});
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('nothing_to_refund');
  });

  // Under shuffled, duplicated delivery this lost the failure about half the time on a loaded machine
  // (the succeeded version won a same-second tie; charge.refund.updated stored the failed version
  // without a fact): refund-versions.test.ts replays every order.
  it('a refund that fails later gives the money back: refund.failed once, the invoice is paid again', async () => {
    const { invoiceId } = await paidInvoice();
    const full = await api('POST', `/invoices/${invoiceId}/refunds`, {});
    expect(full.status).toBe(201);
    expect(full.body.amount).toBe(2000);
    await settle(world, sandbox());
    expect((await api('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'refunded', amount_refunded: 2000 });

    await sandboxControl(sandbox(), `/refunds/${full.body.stripe_refund_id}/fail`, { failure_reason: 'expired_or_canceled_card' });
    await settle(world, sandbox());
    // On a loaded machine an event can be retried after a backoff one drain does not wait for: settle again, bounded.
    for (let round = 0; round < 20 && (await api('GET', `/invoices/${invoiceId}`)).body.status !== 'paid'; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await settle(world, sandbox());
    }
    const invoice = (await api('GET', `/invoices/${invoiceId}`)).body;
    expect(invoice).toMatchObject({ status: 'paid', amount_refunded: 0 });
    const [refund] = (await api('GET', `/invoices/${invoiceId}/refunds`)).body.data;
    expect(refund).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    expect(await domainEvents('refund.failed', invoiceId)).toHaveLength(1);
    expect(await domainEvents('payment.refunded', invoiceId)).toHaveLength(1);
  });

  it('says what is wrong: too much, a bad reason, an unpaid invoice, another tenant', async () => {
    const { invoiceId } = await paidInvoice();
    const tooMuch = await api('POST', `/invoices/${invoiceId}/refunds`, { amount: 2001 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'amount_too_large',
      field: 'amount',
      message: expect.stringContaining('at most 2000'),
    });
    const badReason = await api('POST', `/invoices/${invoiceId}/refunds`, { reason: 'changed_mind' });
    expect(badReason.status).toBe(422);
    expect(badReason.body.error.message).toContain('requested_by_customer');
    const fractional = await api('POST', `/invoices/${invoiceId}/refunds`, { amount: 5.5 });
    expect(fractional.status).toBe(422);

    const draft = await api('POST', '/invoices', invoiceBody(connectionId));
    const unpaid = await api('POST', `/invoices/${draft.body.id}/refunds`, {});
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.error.code).toBe('invoice_not_paid');

    const other = await createTenant(world.h, 'Other');
    const foreign = await world.h.api('POST', `/api/v1/tenants/${other}/invoices/${invoiceId}/refunds`, {});
    expect(foreign.status).toBe(404);
  });
});
