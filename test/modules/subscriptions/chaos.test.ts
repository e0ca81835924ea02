import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { AccountCredentials } from '../../../sandbox/index';
import { EventWorker } from '../../../src/webhooks/worker';
import {
  connectAuto,
  createAccount,
  createTenant,
  sandboxControl,
  startBillingWorld,
  useSandbox,
  type BillingWorld,
} from '../../invoices/support';
import { domainEvents, oneTimePrice, payCheckout, recurringPrice, CHECKOUT_URLS } from './support';

const sandbox = useSandbox();

/**
 * Shuffled, duplicated and delayed deliveries (sandbox chaos) with two workers draining at once:
 * subscriptions, entitlements and package grants end as they would in order.
 */
describe('subscriptions and packages under sandbox chaos with two workers', () => {
  let world: BillingWorld;
  let account: AccountCredentials;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  const api = (method: string, path: string, body?: unknown) => world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);

  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox());
    account = await createAccount(sandbox());
    stripe = sandbox().stripe(account.secret_key);
    tenantId = await createTenant(world.h);
    connectionId = (await connectAuto(world.h, tenantId, account)).id;
  });
  afterAll(async () => {
    await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    await world?.close();
  });

  it('ends in the in-order state: one active subscription per purchase, entitlements granted once, each package granted once', async () => {
    const plan = (
      await api('POST', '/plans', {
        connection_id: connectionId,
        name: 'Pro',
        price_ids: [(await recurringPrice(stripe, 1000)).id],
        entitlements: ['pro'],
      })
    ).body;
    const pkg = (
      await api('POST', '/packages', {
        connection_id: connectionId,
        name: 'Credits',
        price_id: (await oneTimePrice(stripe, 300)).id,
        grants: { credits: { unit: 'job_credits', amount: 5 }, entitlements: ['jobs.featured'] },
      })
    ).body;
    const buyers = ['c1', 'c2', 'c3', 'c4'];
    const checkouts: { plan: any; pkg: any }[] = [];
    for (const buyer of buyers) {
      await api('POST', '/customers', { external_id: buyer, email: `${buyer}@example.com` });
      checkouts.push({
        plan: (await api('POST', '/checkout-sessions', { customer: `ext:${buyer}`, plan_id: plan.id, ...CHECKOUT_URLS })).body,
        pkg: (await api('POST', '/checkout-sessions', { customer: `ext:${buyer}`, package_id: pkg.id, ...CHECKOUT_URLS })).body,
      });
    }
    await sandboxControl(sandbox(), '/chaos', { shuffle: true, duplicate_rate: 0.5, delay_ms: 30 });
    try {
      for (const checkout of checkouts) {
        await payCheckout(sandbox(), checkout.plan.stripe_session_id);
        await payCheckout(sandbox(), checkout.pkg.stripe_session_id);
      }
      expect(await sandbox().waitForDeliveries(30_000)).toBe(true);
      const second = new EventWorker(world.h.ctx, { retry: { baseMs: 10, maxMs: 50, maxAttempts: 5 } });
      await Promise.all([world.worker.drain(), second.drain()]);
      await world.jobs.drain();
    } finally {
      await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    }
    const duplicated = sandbox()
      .deliveries()
      .filter((record) => record.account === account.id && record.attempts.some((attempt) => attempt.duplicate));
    expect(duplicated.length).toBeGreaterThan(0);

    for (const [i, buyer] of buyers.entries()) {
      const subs = (await api('GET', `/subscriptions?customer=ext:${buyer}`)).body.data;
      expect(subs, buyer).toHaveLength(1);
      expect(subs[0]).toMatchObject({
        id: checkouts[i]!.plan.subscription_id,
        status: 'active',
        plan_id: plan.id,
        latest_invoice: { status: 'paid' },
      });
      expect((await api('GET', `/customers/ext:${buyer}/entitlements/pro`)).body.granted).toBe(true);
      expect((await api('GET', `/customers/ext:${buyer}/entitlements/jobs.featured`)).body.granted).toBe(true);
      expect((await api('GET', `/checkout-sessions/${checkouts[i]!.pkg.id}`)).body.status).toBe('paid');
    }
    const events = await domainEvents(world, tenantId, [
      'subscription.created',
      'entitlement.granted',
      'credits.granted',
      'license.granted',
    ]);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('subscription.created')).toBe(buyers.length);
    expect(count('credits.granted')).toBe(buyers.length);
    expect(count('license.granted')).toBe(buyers.length);
    // pro from each subscription, jobs.featured from each package: granted once each.
    expect(count('entitlement.granted')).toBe(buyers.length * 2);
  });
});
