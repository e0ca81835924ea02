import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenant, sandboxControl, settle, useConnectedWorld, useSandbox, type BillingWorld } from '../../invoices/support';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN } from '../../support/test-context';
import { expectStatus, requestBody } from '../payment-requests/support';

const sandbox = useSandbox();

describe('refunds of a paid payment request: through Paybridge, in Stripe directly, failing later', () => {
  // Every delivery arrives twice and in shuffled order.
  const connected = useConnectedWorld(sandbox, { shuffle: true, duplicate_rate: 1 });
  let world: BillingWorld;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  beforeAll(() => ({ world, stripe, tenantId, connectionId } = connected()));

  const api = (method: string, path: string, body?: unknown) => connected().api(method, path, body);

  async function paidRequest() {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    expectStatus(created, 201);
    const paymentIntent: string = created.body.payment_intent_id;
    await stripe.paymentIntents.confirm(paymentIntent, { payment_method: 'pm_card_visa' });
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${created.body.id}`)).body.status).toBe('succeeded');
    return { requestId: created.body.id as string, paymentIntent };
  }

  const domainEvents = (type: string, objectId: string) =>
    world.h.ctx.store.db
      .selectFrom('domain_events')
      .select(['type', 'snapshot'])
      .where('tenant_id', '=', tenantId)
      .where('type', '=', type)
      .where('object_id', '=', objectId)
      .execute();

  it('a partial refund through Paybridge, then the rest in Stripe: both linked to the request, right amounts, each event once', async () => {
    const { requestId, paymentIntent } = await paidRequest();

    const partial = await api('POST', `/payment-requests/${requestId}/refunds`, { amount: 1000, reason: 'requested_by_customer' });
    expectStatus(partial, 201);
    expect(partial.body).toMatchObject({
      amount: 1000,
      currency: 'USD',
      status: 'succeeded',
      source: 'paybridge',
      reason: 'requested_by_customer',
      payable: { type: 'payment_request', id: requestId },
      payment_intent_id: paymentIntent,
      payment_id: null,
    });
    const stripeRefund = await stripe.refunds.retrieve(partial.body.stripe_refund_id);
    expect(stripeRefund.metadata).toMatchObject({
      paybridge_payable_type: 'payment_request',
      paybridge_payable_id: requestId,
      paybridge_tenant_id: tenantId,
    });
    expect((await api('GET', `/payment-requests/${requestId}`)).body).toMatchObject({
      status: 'succeeded',
      amount_refunded: 1000,
      amount_refunded_display: '10.00',
    });

    // The rest, refunded in Stripe's dashboard: no Paybridge metadata, found through the payment intent.
    const direct = await stripe.refunds.create({ payment_intent: paymentIntent });
    expect(direct.amount).toBe(1500);
    await settle(world, sandbox());

    expect((await api('GET', `/payment-requests/${requestId}`)).body).toMatchObject({ status: 'succeeded', amount_refunded: 2500 });
    const payments = await world.h.ctx.store.db
      .selectFrom('payment_request_payments')
      .selectAll()
      .where('request_id', '=', requestId)
      .execute();
    expect(payments.map((p) => Number(p.refunded_amount))).toEqual([2500]);
    const refunds = (await api('GET', `/payment-requests/${requestId}/refunds`)).body.data;
    expect(refunds).toHaveLength(2);
    expect(refunds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stripe_refund_id: partial.body.stripe_refund_id,
          amount: 1000,
          source: 'paybridge',
          status: 'succeeded',
        }),
        expect.objectContaining({
          stripe_refund_id: direct.id,
          amount: 1500,
          source: 'stripe',
          status: 'succeeded',
          payable: { type: 'payment_request', id: requestId },
        }),
      ]),
    );

    // Every event came twice; each refund was announced once, with the payment's refunded amount.
    const refunded = await domainEvents('payment.refunded', requestId);
    expect(refunded).toHaveLength(2);
    expect(refunded.map((e) => (e.snapshot as any).payment.refunded_amount).sort()).toEqual([1000, 2500]);
    expect(await domainEvents('refund.failed', requestId)).toHaveLength(0);

    const more = await api('POST', `/payment-requests/${requestId}/refunds`, {});
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('nothing_to_refund');

    // The dashboard's page of the request shows both refunds and what its payment got back.
    const browser = new DashboardClient(world.h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const page = await browser.get(`/dashboard/tenants/${tenantId}/payment-requests/${requestId}`);
    expect(page.status).toBe(200);
    const section = page.text.slice(page.text.indexOf('id="pr-refunds"'), page.text.indexOf('id="pr-timeline"'));
    expect(section).toContain(partial.body.stripe_refund_id);
    expect(section).toContain(direct.id);
    expect(section).toContain('made in Stripe');
    expect(section).toContain('10.00');
    expect(page.text).toContain('(refunded 25.00)');
  });

  it('a refund that fails later gives the money back: refund.failed once, amount_refunded 0 again', async () => {
    const { requestId } = await paidRequest();
    const full = await api('POST', `/payment-requests/${requestId}/refunds`, {});
    expectStatus(full, 201);
    expect(full.body.amount).toBe(2500);
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${requestId}`)).body.amount_refunded).toBe(2500);

    await sandboxControl(sandbox(), `/refunds/${full.body.stripe_refund_id}/fail`, { failure_reason: 'lost_or_stolen_card' });
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${requestId}`)).body).toMatchObject({ status: 'succeeded', amount_refunded: 0 });
    const [refund] = (await api('GET', `/payment-requests/${requestId}/refunds`)).body.data;
    expect(refund).toMatchObject({ status: 'failed', failure_reason: 'lost_or_stolen_card' });
    expect(await domainEvents('refund.failed', requestId)).toHaveLength(1);
    expect(await domainEvents('payment.refunded', requestId)).toHaveLength(1);
  });

  it('says what is wrong: too much, a bad reason, an unpaid request, another tenant, an unknown id', async () => {
    const { requestId } = await paidRequest();
    const tooMuch = await api('POST', `/payment-requests/${requestId}/refunds`, { amount: 2501 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'amount_too_large',
      field: 'amount',
      message: expect.stringContaining('at most 2500'),
    });
    const badReason = await api('POST', `/payment-requests/${requestId}/refunds`, { reason: 'changed_mind' });
    expect(badReason.status).toBe(422);
    expect(badReason.body.error.message).toContain('requested_by_customer');

    const pending = await api('POST', '/payment-requests', requestBody(connectionId));
    const unpaid = await api('POST', `/payment-requests/${pending.body.id}/refunds`, {});
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.error).toMatchObject({ code: 'payment_request_not_paid', message: expect.stringContaining('is pending') });

    const other = await createTenant(world.h, 'Other');
    const foreign = await world.h.api('POST', `/api/v1/tenants/${other}/payment-requests/${requestId}/refunds`, {});
    expect(foreign.status).toBe(404);
    const foreignList = await world.h.api('GET', `/api/v1/tenants/${other}/payment-requests/${requestId}/refunds`);
    expect(foreignList.status).toBe(404);
    const unknown = await api('GET', '/payment-requests/preq_nope/refunds');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});
