import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN } from '../../support/test-context';
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
import { disputeEvents } from './support';

const sandbox = useSandbox();

describe('disputes opened by the sandbox dispute test card, won and lost', () => {
  // Every delivery arrives twice and in shuffled order.
  const connected = useConnectedWorld(sandbox, { shuffle: true, duplicate_rate: 1 });
  let world: BillingWorld;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  beforeAll(() => ({ world, stripe, tenantId, connectionId } = connected()));

  const api = (path: string) => world.h.api('GET', `/api/v1/tenants/${tenantId}${path}`);

  /** An invoice paid with 4000 0000 0000 0259: the cardholder disputes the charge once it succeeds. */
  async function disputedInvoice() {
    const created = await world.h.api('POST', `/api/v1/tenants/${tenantId}/invoices`, invoiceBody(connectionId));
    const finalized = await world.h.api('POST', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}/finalize`);
    const session = await payLink(sandbox(), finalized.body.payment_link_id, { card: '4000000000000259' });
    await settle(world, sandbox());
    const [dispute] = (await stripe.disputes.list({ payment_intent: session.payment_intent })).data;
    expect(dispute?.status).toBe('needs_response');
    return { invoiceId: created.body.id as string, disputeId: dispute!.id, paymentIntent: session.payment_intent as string };
  }

  const eventsOf = (disputeId: string) => disputeEvents(world.h.ctx.store.db, disputeId);

  it('opened: linked to its invoice and payment, with amount, reason and due date; listed on the overview', async () => {
    const { invoiceId, disputeId, paymentIntent } = await disputedInvoice();
    const view = await api(`/disputes/${disputeId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id: disputeId,
      status: 'needs_response',
      open: true,
      outcome: null,
      amount: 2000,
      amount_display: '20.00',
      currency: 'USD',
      reason: 'fraudulent',
      invoice_id: invoiceId,
      payment_intent_id: paymentIntent,
      payment_id: expect.stringMatching(/^pay_/),
      due_by: expect.any(String),
    });
    expect(new Date(view.body.due_by).getTime()).toBeGreaterThan(Date.now());
    // Whichever arrived first, the platform's newest dispute snapshot names the invoice and payment:
    // dispute.opened when the payment was recorded before it, else the dispute.updated that linked it.
    const events = await eventsOf(disputeId);
    expect(events.filter((e) => e.type === 'dispute.opened')).toHaveLength(1);
    expect(events.at(-1)?.snapshot).toMatchObject({ invoice_id: invoiceId, payment_id: view.body.payment_id });
    expect((await api('/disputes?open=true')).body.data.map((d: { id: string }) => d.id)).toContain(disputeId);

    const browser = new DashboardClient(world.h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const overview = await browser.get(`/dashboard/tenants/${tenantId}`);
    expect(overview.text).toContain('Open disputes');
    expect(overview.text).toContain(disputeId);
  });

  // A payment request is found by the payment intent it created from the start, so even the
  // dispute.opened snapshot names it, in every order.
  it('a disputed payment request is linked in the view and in the dispute.opened snapshot', async () => {
    const created = await world.h.api('POST', `/api/v1/tenants/${tenantId}/payment-requests`, {
      connection_id: connectionId,
      amount: 2500,
      currency: 'usd',
      method: 'payment_intent',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await stripe.paymentIntents.confirm(created.body.payment_intent_id, { payment_method: 'pm_card_createDispute' });
    await settle(world, sandbox());
    const [dispute] = (await stripe.disputes.list({ payment_intent: created.body.payment_intent_id })).data;
    expect(dispute).toBeDefined();
    const view = await api(`/disputes/${dispute!.id}`);
    expect(view.body).toMatchObject({ payment_request_id: created.body.id, invoice_id: null, amount: 2500 });
    const [requestOpened] = (await eventsOf(dispute!.id)).filter((e) => e.type === 'dispute.opened');
    expect(requestOpened?.snapshot).toMatchObject({ payment_request_id: created.body.id, invoice_id: null });
  });

  it('won (funds withdrawn, then reinstated) ends won; opened and closed once each', async () => {
    const { disputeId } = await disputedInvoice();
    await sandboxControl(sandbox(), `/disputes/${disputeId}/win`, {});
    await settle(world, sandbox());
    expect((await api(`/disputes/${disputeId}`)).body).toMatchObject({
      status: 'won',
      outcome: 'won',
      open: false,
      closed_at: expect.any(String),
    });
    const events = await eventsOf(disputeId);
    expect(events.filter((e) => e.type === 'dispute.opened')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'dispute.closed')).toEqual([
      expect.objectContaining({ snapshot: expect.objectContaining({ status: 'won', outcome: 'won' }) }),
    ]);
    expect((await api('/disputes?status=won')).body.data.map((d: { id: string }) => d.id)).toContain(disputeId);
  });

  it('lost ends lost, with the outcome on dispute.closed, once', async () => {
    const { disputeId } = await disputedInvoice();
    await sandboxControl(sandbox(), `/disputes/${disputeId}/lose`, {});
    await settle(world, sandbox());
    expect((await api(`/disputes/${disputeId}`)).body).toMatchObject({ status: 'lost', outcome: 'lost', open: false });
    const events = await eventsOf(disputeId);
    expect(events.filter((e) => e.type === 'dispute.opened')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'dispute.closed')).toEqual([
      expect.objectContaining({ snapshot: expect.objectContaining({ status: 'lost', outcome: 'lost' }) }),
    ]);
    expect((await api('/disputes?status=lost')).body.data.map((d: { id: string }) => d.id)).toEqual([disputeId]);
  });

  it('says what is wrong: unknown status 422, another tenant’s dispute 404', async () => {
    const bad = await api('/disputes?status=maybe');
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain('needs_response');
    const [any] = (await api('/disputes')).body.data;
    const other = await createTenant(world.h, 'Other');
    expect((await world.h.api('GET', `/api/v1/tenants/${other}/disputes/${any.id}`)).status).toBe(404);
  });
});
