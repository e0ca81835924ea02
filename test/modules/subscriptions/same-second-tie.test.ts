import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { AccountCredentials } from '../../../sandbox/index';
import { payingCustomer } from '../../../sandbox/testing/billing-fixture';
import { rereadSubscription } from '../../../src/modules/subscriptions/reread-service';
import { rereadJobKey } from '../../../src/modules/subscriptions/schedule-reread';
import { insertStripeCustomerLink } from '../../../src/store/customers';
import { findJobByKey, listQueuedJobs } from '../../../src/store/jobs';
import { findStoredObject } from '../../../src/store/object-lookup';
import { ObjectVersions } from '../../../src/store/stripe-objects';
import { createAccount, createTenant, sandboxControl, startBillingWorld, useSandbox, type BillingWorld } from '../../invoices/support';
import { deliver } from '../../support/webhook-delivery';
import { buyThroughCheckout, domainEvents, lastSequence, recurringPrice } from './support';

const sandbox = useSandbox();
const SECRET = 'whsec_samesecondtiesecret0123456789abcd';
const HOUR = 3600;

/**
 * Issue 15: a platform pays right after a failed renewal, so Stripe moves the subscription
 * past_due → active within one second. The two `customer.subscription.updated` events share their
 * `created` and each one's previous_attributes describes the other, so nothing in them says which
 * is newer. The sandbox makes both for real (a test clock renewal with a declined card, then the
 * invoice paid); the test gives them the same `created`, as Stripe would, and delivers them itself
 * (manual connection) in each order, twice.
 */
describe('subscription versions tied in one second', () => {
  let world: BillingWorld;
  let account: AccountCredentials;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  let planId: string;
  const api = (method: string, path: string, body?: unknown) => world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);
  const db = () => world.h.ctx.store.db;

  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox());
    account = await createAccount(sandbox());
    stripe = sandbox().stripe(account.secret_key);
    tenantId = await createTenant(world.h);
    const connection = await api('POST', '/connections', {
      name: 'Manual',
      secret_key: account.secret_key,
      webhook_setup: 'manual',
      webhook_secret: SECRET,
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    connectionId = connection.body.id;
    const price = await recurringPrice(stripe, 2500);
    // No grace period: past_due revokes at once, so each status shows in the entitlement events.
    const plan = await api('POST', '/plans', {
      connection_id: connectionId,
      name: 'Pro',
      price_ids: [price.id],
      entitlements: ['pro'],
      grace_period_days: 0,
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    planId = plan.body.id;
  });
  afterAll(async () => {
    await world?.close();
  });

  async function send(events: object[]) {
    for (const event of events) {
      const response = await deliver(world.h, connectionId, event, { secrets: [SECRET] });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    await world.worker.drain();
  }

  /** The subscription's events of these types in Stripe, oldest first. */
  async function eventsOf(stripeSubscriptionId: string, types: string[]): Promise<Stripe.Event[]> {
    const events: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ limit: 100 })) {
      const object = event.data.object as unknown as Record<string, any>;
      const ours = object.id === stripeSubscriptionId || object.parent?.subscription_details?.subscription === stripeSubscriptionId;
      if (ours && types.includes(event.type)) events.push(event);
    }
    return events.reverse();
  }

  /** A customer on a test clock buys the plan; its purchase events are delivered: active, pro granted. */
  async function subscribe(externalId: string) {
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = (await api('POST', '/customers', { external_id: externalId, email: `${externalId}@example.com` })).body;
    const { customer: stripeCustomer } = await payingCustomer(stripe, clock.id);
    await insertStripeCustomerLink(db(), { customerId: customer.id, connectionId, stripeCustomerId: stripeCustomer.id, now: new Date() });
    const { checkout, paid } = await buyThroughCheckout(api, sandbox(), { customer: `ext:${externalId}`, plan_id: planId });
    const stripeSubscriptionId = String(paid.subscription);
    const purchase = [
      ...(await eventsOf(stripeSubscriptionId, ['customer.subscription.created', 'customer.subscription.updated'])),
      ...(await stripe.events.list({ type: 'checkout.session.completed', limit: 100 })).data.filter(
        (e) => (e.data.object as any).id === paid.id,
      ),
    ];
    await send(purchase);
    const id: string = checkout.subscription_id;
    expect((await api('GET', `/subscriptions/${id}`)).body.status).toBe('active');
    expect(await check(externalId)).toMatchObject({ granted: true });
    return { id, stripeSubscriptionId, clock: clock.id, purchasedAt: Math.max(...purchase.map((e) => e.created)) };
  }

  async function check(externalId: string) {
    return (await api('GET', `/customers/ext:${externalId}/entitlements/pro`)).body;
  }

  /**
   * The renewal fails (past_due), then the platform pays the invoice (active): the two real
   * `customer.subscription.updated` events, given one shared `created` after the purchase's.
   */
  async function failThenPayInOneSecond(sub: Awaited<ReturnType<typeof subscribe>>) {
    await sandboxControl(sandbox(), `/subscriptions/${sub.stripeSubscriptionId}/fail_next_payment`, {});
    const periodEnd = (await stripe.subscriptions.retrieve(sub.stripeSubscriptionId)).items.data[0]!.current_period_end;
    await stripe.testHelpers.testClocks.advance(sub.clock, { frozen_time: periodEnd + 2 * HOUR });
    const pastDue = await stripe.subscriptions.retrieve(sub.stripeSubscriptionId);
    expect(pastDue.status).toBe('past_due');
    await stripe.invoices.pay(String(pastDue.latest_invoice));
    expect((await stripe.subscriptions.retrieve(sub.stripeSubscriptionId)).status).toBe('active');
    const updates = (await eventsOf(sub.stripeSubscriptionId, ['customer.subscription.updated'])).filter(
      (e) => (e.data.previous_attributes as any)?.status !== undefined,
    );
    const failed = updates.find((e) => (e.data.object as any).status === 'past_due')!;
    const paid = updates.find(
      (e) => (e.data.object as any).status === 'active' && (e.data.previous_attributes as any).status === 'past_due',
    )!;
    // The round trip that makes previous_attributes useless: each describes the other's status.
    expect(failed.data.previous_attributes).toEqual({ status: 'active' });
    expect(paid.data.previous_attributes).toEqual({ status: 'past_due' });
    const second = sub.purchasedAt + 1;
    return { failed: { ...failed, created: second }, paid: { ...paid, created: second }, second };
  }

  /** Connections of this test's database waiting for a lock (a job blocked on a row the test holds). */
  async function lockWaiters(): Promise<number> {
    const query = sql<{
      n: number;
    }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
    return (await query.execute(db())).rows[0]!.n;
  }

  /** Waits until the queued re-read is due (a second or two after the tied second, so it sees all of it). */
  async function rereadDue(subscriptionId: string) {
    const job = await findJobByKey(db(), rereadJobKey(subscriptionId));
    expect(job).toMatchObject({ kind: 'subscriptions.reread', payload: { subscription_id: subscriptionId } });
    const wait = new Date(job!.run_at).getTime() - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
  }

  async function runReread(subscriptionId: string) {
    await rereadDue(subscriptionId);
    await world.jobs.drain();
    expect(await findJobByKey(db(), rereadJobKey(subscriptionId))).toBeUndefined();
  }

  // What Paybridge says happened depends on what it knew when: past_due first is Stripe's own history
  // (revoked, then granted again after the read); active first already is the newest state, and the
  // tied past_due version, unsettled, moves nothing. Either way each change is said once.
  it.each([
    {
      order: 'past_due first',
      externalId: 'failed_first',
      first: 'failed' as const,
      history: [
        ['subscription.updated', 'past_due'],
        ['entitlement.revoked', 'revoked'],
        ['subscription.updated', 'active'],
        ['entitlement.granted', 'active'],
      ],
    },
    { order: 'active first', externalId: 'paid_first', first: 'paid' as const, history: [['subscription.updated', 'active']] },
  ])(
    'past_due and active in the same second, $order and duplicated: ends active and granted, each domain event once',
    async ({ externalId, first, history }) => {
      const sub = await subscribe(externalId);
      const mark = await lastSequence(world, tenantId);
      const { failed, paid } = await failThenPayInOneSecond(sub);
      const ordered = first === 'failed' ? [failed, paid] : [paid, failed];
      // One at a time: events waiting together are claimed oldest first, which would undo the order.
      for (const event of [...ordered, ...ordered]) await send([event]);

      // Nothing in the two versions orders them: the event that met the tie says so, and a read is queued.
      const stored = (await api('GET', '/events?type=customer.subscription.updated&limit=100')).body.data;
      expect(stored.find((e: any) => e.stripe_event_id === ordered[1]!.id)).toMatchObject({
        status: 'processed',
        status_reason: expect.stringContaining('reading it from Stripe'),
      });
      await runReread(sub.id);

      const ownEvents = async () =>
        (await domainEvents(world, tenantId, [], mark))
          .filter((e) => e.object_id === sub.id || (e.snapshot as any)?.source?.id === sub.id)
          .map((e) => [e.type, (e.snapshot as any).status]);
      expect((await api('GET', `/subscriptions/${sub.id}`)).body.status).toBe('active');
      expect(await check(externalId)).toMatchObject({ granted: true, sources: [{ type: 'subscription', id: sub.id, status: 'active' }] });
      expect(await ownEvents()).toEqual(history);

      // Delivered again (Stripe retrying) and replayed: nothing changes and nothing is queued.
      await send([paid, failed]);
      for (const event of stored.filter((e: any) => [paid.id, failed.id].includes(e.stripe_event_id))) {
        expect((await api('POST', `/events/${event.id}/replay`)).status).toBe(200);
      }
      await world.worker.drain();
      expect(await findJobByKey(db(), rereadJobKey(sub.id))).toBeUndefined();
      expect((await api('GET', `/subscriptions/${sub.id}`)).body.status).toBe('active');
      expect(await ownEvents()).toEqual(history);
    },
  );

  it("after the re-read, Paybridge's subscription and its stored version are Stripe's", async () => {
    const sub = await subscribe('reread_state');
    const { failed, paid } = await failThenPayInOneSecond(sub);
    await send([paid, failed]);
    await runReread(sub.id);
    const remote = await stripe.subscriptions.retrieve(sub.stripeSubscriptionId);
    const stored = await findStoredObject(db(), connectionId, sub.stripeSubscriptionId);
    expect(stored?.version_event_id).toMatch(/^read_/);
    expect(stored?.data).toEqual(JSON.parse(JSON.stringify(remote)));
    const local = (await api('GET', `/subscriptions/${sub.id}`)).body;
    expect(local).toMatchObject({
      status: remote.status,
      cancel_at_period_end: remote.cancel_at_period_end,
      current_period_end: new Date(remote.items.data[0]!.current_period_end * 1000).toISOString(),
    });
  });

  it("a re-read while Paybridge's clock is behind Stripe's is still dated no earlier than the tie, so it applies", async () => {
    const sub = await subscribe('clock_behind');
    const { failed, paid, second } = await failThenPayInOneSecond(sub);
    for (const event of [failed, paid]) await send([event]);
    await rereadDue(sub.id);
    world.h.setNow(new Date((second - 60) * 1000));
    try {
      await world.jobs.drain();
    } finally {
      world.h.setNow(null);
    }
    expect(await findStoredObject(db(), connectionId, sub.stripeSubscriptionId)).toMatchObject({
      version_created: second,
      version_event_id: expect.stringMatching(/^read_/),
      status: 'active',
    });
    expect((await api('GET', `/subscriptions/${sub.id}`)).body.status).toBe('active');
    expect(await check('clock_behind')).toMatchObject({ granted: true });
  });

  it('a version stored while Stripe answers the re-read, dated in its second or later, makes the job read again', async () => {
    const sub = await subscribe('changed_while_read');
    const key = { connectionId, stripeId: sub.stripeSubscriptionId };
    const current = (await stripe.subscriptions.retrieve(sub.stripeSubscriptionId)) as unknown as Record<string, unknown>;
    // Hold the object's row as a processing transaction would, so the job reads Stripe and then waits for it.
    const trx = await db().startTransaction().execute();
    let reread: Promise<unknown> | undefined;
    try {
      const versions = await ObjectVersions.lock(trx, [key]);
      reread = rereadSubscription(world.h.ctx, { subscription_id: sub.id }).catch((error: unknown) => error);
      for (let round = 0; round < 200; round += 1) {
        if ((await lockWaiters()) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const meanwhile = Math.floor(Date.now() / 1000) + 1;
      expect(
        versions.apply({
          ...key,
          objectType: 'subscription',
          version: { created: meanwhile, eventId: 'evt_meanwhile', object: current, previous: { metadata: {} }, deleted: false },
        }).outcome,
      ).toBe('updated');
      await versions.write(trx);
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute();
      throw error;
    }
    expect(await reread).toMatchObject({ code: 'subscription_changed_while_read', retryable: true });
    expect(await findStoredObject(db(), key.connectionId, key.stripeId)).toMatchObject({ version_event_id: 'evt_meanwhile' });
    // Read again with nothing in between: the read is at least as new as what it saw, and applies.
    expect(await rereadSubscription(world.h.ctx, { subscription_id: sub.id })).toBe('applied');
    expect(await findStoredObject(db(), key.connectionId, key.stripeId)).toMatchObject({
      version_event_id: expect.stringMatching(/^read_/),
    });
  });

  it('a tie the versions settle (canceled is terminal) is decided at once: no read is queued and Stripe is not asked', async () => {
    const sub = await subscribe('canceled_tie');
    const mark = await lastSequence(world, tenantId);
    await stripe.subscriptions.update(sub.stripeSubscriptionId, { metadata: { note: 'vip' } });
    await stripe.subscriptions.cancel(sub.stripeSubscriptionId);
    const [updated] = await eventsOf(sub.stripeSubscriptionId, ['customer.subscription.updated']).then((all) =>
      all.filter((e) => (e.data.previous_attributes as any)?.metadata !== undefined),
    );
    const [deleted] = await eventsOf(sub.stripeSubscriptionId, ['customer.subscription.deleted']);
    const second = sub.purchasedAt + 1;
    const tie = [
      { ...updated!, created: second },
      { ...deleted!, created: second },
    ];
    await send([...tie, tie[0]!]);
    expect((await api('GET', `/subscriptions/${sub.id}`)).body.status).toBe('canceled');
    expect(await check('canceled_tie')).toMatchObject({ granted: false });
    expect((await listQueuedJobs(db())).filter((job) => job.kind === 'subscriptions.reread')).toEqual([]);
    const stored = await findStoredObject(db(), connectionId, sub.stripeSubscriptionId);
    expect(stored).toMatchObject({ version_event_id: deleted!.id, status: 'canceled' });
    const types = (await domainEvents(world, tenantId, [], mark)).filter((e) => e.object_id === sub.id).map((e) => e.type);
    expect(types).toEqual(['subscription.updated', 'subscription.canceled']);
  });
});
