import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { AccountCredentials } from '../../../sandbox/index';
import { createAccount, createTenant, startBillingWorld, useSandbox, type BillingWorld } from '../../invoices/support';
import { deliver, stripeEvent } from '../../support/webhook-delivery';
import { buyThroughCheckout, domainEvents, recurringPrice, CHECKOUT_URLS } from './support';

const sandbox = useSandbox();
const SECRET = 'whsec_orderingtestsecret0123456789abcdef';
const OTHER_SECRET = 'whsec_othertenantsecret0123456789abcdef';

/**
 * Delivery order, duplicates and tenants: the connection is manual, so the sandbox delivers nothing
 * by itself; the test takes a purchase's real events from Stripe's event list and delivers them,
 * signed, in the order each case needs.
 */
describe('subscription events in any order, duplicated, stale, or for another tenant', () => {
  let world: BillingWorld;
  let account: AccountCredentials;
  let stripe: Stripe;
  let tenantId: string;
  let otherTenantId: string;
  let connectionId: string;
  let otherConnectionId: string;
  let planId: string;
  const api = (method: string, path: string, body?: unknown) => world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);

  const connect = async (tenant: string, secret: string) => {
    const response = await world.h.api('POST', `/api/v1/tenants/${tenant}/connections`, {
      name: 'Shared account',
      secret_key: account.secret_key,
      webhook_setup: 'manual',
      webhook_secret: secret,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  };

  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox());
    account = await createAccount(sandbox());
    stripe = sandbox().stripe(account.secret_key);
    tenantId = await createTenant(world.h);
    otherTenantId = await createTenant(world.h, 'Other platform tenant');
    connectionId = await connect(tenantId, SECRET);
    otherConnectionId = await connect(otherTenantId, OTHER_SECRET);
    const price = await recurringPrice(stripe, 1500);
    const plan = await api('POST', '/plans', { connection_id: connectionId, name: 'Pro', price_ids: [price.id], entitlements: ['pro'] });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    planId = plan.body.id;
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Buys the plan for a new customer; returns the purchase's events from Stripe, oldest first. */
  async function purchase(externalId: string): Promise<{ subscriptionId: string; events: Stripe.Event[] }> {
    await api('POST', '/customers', { external_id: externalId, email: `${externalId}@example.com` });
    const { checkout, paid } = await buyThroughCheckout(api, sandbox(), { customer: `ext:${externalId}`, plan_id: planId });
    const wanted = new Set([
      'checkout.session.completed',
      'customer.subscription.created',
      'customer.subscription.updated',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const events: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ limit: 100 })) {
      const object = event.data.object as unknown as Record<string, any>;
      const ours =
        object.id === paid.id || object.id === paid.subscription || object.parent?.subscription_details?.subscription === paid.subscription;
      if (wanted.has(event.type) && ours) events.push(event);
    }
    return { subscriptionId: checkout.subscription_id, events: events.reverse() };
  }

  async function send(events: Stripe.Event[], connection = connectionId, secret = SECRET) {
    for (const event of events) {
      const response = await deliver(world.h, connection, event, { secrets: [secret] });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    await world.worker.drain();
  }

  async function state(externalId: string) {
    const subs = (await api('GET', `/subscriptions?customer=ext:${externalId}`)).body.data;
    const check = (await api('GET', `/customers/ext:${externalId}/entitlements/pro`)).body;
    return {
      subscriptions: subs.map((s: any) => ({
        status: s.status,
        plan_id: s.plan_id,
        period: s.current_period_end,
        invoice: s.latest_invoice,
      })),
      granted: check.granted,
    };
  }

  it('in order, the purchase ends in one active subscription granting pro', async () => {
    const { events } = await purchase('in_order');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['customer.subscription.created', 'customer.subscription.updated', 'checkout.session.completed']),
    );
    await send(events);
    const result = await state('in_order');
    expect(result.subscriptions).toEqual([expect.objectContaining({ status: 'active', plan_id: planId })]);
    expect(result.granted).toBe(true);
  });

  it('checkout.session.completed first, duplicated, then the subscription events: one subscription, same state as in order', async () => {
    const reference = await purchase('ref_a');
    await send(reference.events);
    const { events, subscriptionId } = await purchase('completed_first');
    const completed = events.filter((e) => e.type === 'checkout.session.completed');
    await send([...completed, ...completed]);
    await send([...events.filter((e) => e.type !== 'checkout.session.completed'), ...events]);
    const result = await state('completed_first');
    const inOrder = await state('ref_a');
    expect(result.subscriptions).toHaveLength(1);
    expect(result.subscriptions[0]).toMatchObject({ status: 'active', plan_id: planId, invoice: { status: 'paid', amount_paid: 1500 } });
    expect({ ...result.subscriptions[0], period: undefined }).toEqual({
      ...inOrder.subscriptions[0],
      period: undefined,
      invoice: { ...inOrder.subscriptions[0].invoice, id: result.subscriptions[0].invoice.id },
    });
    expect(result.granted).toBe(inOrder.granted);
    const created = await domainEvents(world, tenantId, ['subscription.created', 'entitlement.granted']);
    expect(created.filter((e) => e.object_id === subscriptionId && e.type === 'subscription.created')).toHaveLength(1);
  });

  it('the subscription events first (newest first, duplicated), then checkout.session.completed: one subscription, same state', async () => {
    const { events, subscriptionId } = await purchase('subscription_first');
    const rest = events.filter((e) => e.type !== 'checkout.session.completed').reverse();
    await send([...rest, ...rest]);
    await send(events.filter((e) => e.type === 'checkout.session.completed'));
    const result = await state('subscription_first');
    expect(result.subscriptions).toHaveLength(1);
    expect(result.subscriptions[0]).toMatchObject({ status: 'active', plan_id: planId, invoice: { status: 'paid' } });
    expect(result.granted).toBe(true);
    const created = await domainEvents(world, tenantId, ['subscription.created']);
    expect(created.filter((e) => e.object_id === subscriptionId)).toHaveLength(1);
  });

  it('a price archived in Stripe puts the plan selling it in needs_attention, and checkout for it is refused', async () => {
    const price = await recurringPrice(stripe, 700);
    const plan = (await api('POST', '/plans', { connection_id: connectionId, name: 'Doomed', price_ids: [price.id], entitlements: ['x'] }))
      .body;
    const archived = await stripe.prices.update(price.id, { active: false });
    await send([
      stripeEvent('price.updated', archived as unknown as Record<string, unknown>, {
        previous: { active: true },
      }) as unknown as Stripe.Event,
    ]);
    const after = (await api('GET', `/plans/${plan.id}`)).body;
    expect(after).toMatchObject({ status: 'needs_attention' });
    expect(after.status_reason).toContain(`${price.id} was archived`);
    expect(await domainEvents(world, tenantId, ['plan.needs_attention'])).toEqual([expect.objectContaining({ object_id: plan.id })]);
    await api('POST', '/customers', { external_id: 'late', email: 'late@example.com' });
    const refused = await api('POST', '/checkout-sessions', {
      customer: 'ext:late',
      plan_id: plan.id,
      ...CHECKOUT_URLS,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('plan_needs_attention');
  });

  it('an older customer.subscription.updated, delivered late under a new event id, changes nothing', async () => {
    const { events } = await purchase('stale');
    await send(events);
    const before = await state('stale');
    const created = events.find((e) => e.type === 'customer.subscription.created')!;
    const stale = stripeEvent(
      'customer.subscription.updated',
      { ...(created.data.object as any), status: 'incomplete' },
      { created: created.created - 60 },
    );
    await send([stale as unknown as Stripe.Event]);
    expect(await state('stale')).toEqual(before);
    const stored = await api('GET', `/events?type=customer.subscription.updated&limit=100`);
    expect(stored.body.data.find((e: any) => e.stripe_event_id === stale.id)).toMatchObject({ status: 'ignored' });
  });

  it("a second tenant on the same Stripe account never sees or changes this tenant's subscriptions or entitlements", async () => {
    const { events, subscriptionId } = await purchase('isolated');
    await send(events, otherConnectionId, OTHER_SECRET);
    const other = (path: string) => world.h.api('GET', `/api/v1/tenants/${otherTenantId}${path}`);
    expect((await other('/subscriptions')).body.data).toEqual([]);
    expect((await other(`/subscriptions/${subscriptionId}`)).status).toBe(404);
    expect((await other('/customers/ext:isolated/entitlements/pro')).status).toBe(404);
    const otherEvents = (await other('/events?limit=100')).body.data;
    expect(otherEvents.length).toBeGreaterThan(0);
    expect(otherEvents.every((e: any) => e.status === 'ignored')).toBe(true);
    // Delivered to the other tenant only, this tenant's state did not move either.
    expect((await api('GET', '/subscriptions?customer=ext:isolated')).body.data).toEqual([]);
    await send(events);
    expect((await state('isolated')).granted).toBe(true);
    expect((await other('/subscriptions')).body.data).toEqual([]);
  });
});
