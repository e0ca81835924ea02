import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { AccountCredentials } from '../../../sandbox/index';
import { connectAuto, createAccount, createTenant, settle, startBillingWorld, useSandbox, type BillingWorld } from '../../invoices/support';
import { buildCli } from '../../../src/cli/program';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN } from '../../support/test-context';
import { domainEvents, oneTimePrice, payCheckout, recurringPrice, CHECKOUT_URLS } from './support';

/** Runs a `paybridge` command in this process against the world's database; returns what it printed and the exit code. */
async function cli(databaseUrl: string, masterKey: string, args: string[]): Promise<{ out: string; code: number }> {
  const saved = { ...process.env };
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.env.PAYBRIDGE_DATABASE_URL = databaseUrl;
  process.env.PAYBRIDGE_MASTER_KEY = masterKey;
  process.env.PAYBRIDGE_ADMIN_TOKEN = ADMIN_TOKEN;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await buildCli()
      .exitOverride()
      .parseAsync(['node', 'paybridge', ...args]);
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, code };
}

const sandbox = useSandbox();

describe('plans, packages and checkout, end to end on the sandbox', () => {
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
    await world?.close();
  });

  it('a plan bought through Checkout becomes one active subscription granting its entitlements, with values', async () => {
    const price = await recurringPrice(stripe, 1900);
    const plan = await api('POST', '/plans', {
      connection_id: connectionId,
      name: 'Pro',
      price_ids: [price.id],
      entitlements: ['pro', { key: 'seats', value: 5 }],
      grace_period_days: 3,
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect(plan.body).toMatchObject({
      status: 'active',
      entitlements: [
        { key: 'pro', value: true },
        { key: 'seats', value: 5 },
      ],
    });
    await api('POST', '/customers', { external_id: 'u1', email: 'u1@example.com' });

    const checkout = await api('POST', '/checkout-sessions', {
      customer: 'ext:u1',
      plan_id: plan.body.id,
      ...CHECKOUT_URLS,
    });
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
    expect(checkout.body).toMatchObject({ mode: 'subscription', status: 'open', url: expect.stringMatching(/^http/) });
    const session = await stripe.checkout.sessions.retrieve(checkout.body.stripe_session_id);
    expect(session.metadata).toMatchObject({
      paybridge_tenant_id: tenantId,
      paybridge_payable_type: 'subscription',
      paybridge_payable_id: checkout.body.subscription_id,
    });

    const before = await api('GET', '/customers/ext:u1/entitlements/pro');
    expect(before.body).toMatchObject({ granted: false, value: false, as_of: null });

    await payCheckout(sandbox(), checkout.body.stripe_session_id);
    await settle(world, sandbox());

    const subs = await api('GET', '/subscriptions?customer=ext:u1');
    expect(subs.body.data).toHaveLength(1);
    const sub = subs.body.data[0];
    expect(sub).toMatchObject({ id: checkout.body.subscription_id, plan_id: plan.body.id, status: 'active', cancel_at_period_end: false });
    expect(sub.current_period_end).not.toBeNull();
    const stripeSub = await stripe.subscriptions.retrieve(sub.stripe_subscription_id);
    expect(stripeSub.metadata).toMatchObject({ paybridge_payable_id: sub.id, paybridge_tenant_id: tenantId });
    const detail = await api('GET', `/subscriptions/${sub.id}`);
    expect(detail.body.latest_invoice).toMatchObject({ status: 'paid', amount_paid: 1900, currency: 'USD' });
    expect(detail.body.payments).toEqual([
      expect.objectContaining({ outcome: 'paid', amount: 1900, billing_reason: 'subscription_create' }),
    ]);

    const pro = await api('GET', '/customers/ext:u1/entitlements/pro');
    expect(pro.body).toMatchObject({
      key: 'pro',
      granted: true,
      value: true,
      until: null,
      sources: [{ type: 'subscription', id: sub.id, status: 'active' }],
    });
    expect(pro.body.as_of).not.toBeNull();
    expect(pro.body.reason).toContain('active');
    const seats = await api('GET', `/customers/${sub.customer}/entitlements/seats`);
    expect(seats.body).toMatchObject({ granted: true, value: 5 });
    const list = await api('GET', '/customers/ext:u1/entitlements');
    expect(list.body.data.map((e: any) => [e.key, e.status, e.source.type])).toEqual([
      ['pro', 'active', 'subscription'],
      ['seats', 'active', 'subscription'],
    ]);
    const events = await domainEvents(world, tenantId, ['subscription.created', 'entitlement.granted']);
    expect(events.filter((e) => e.type === 'subscription.created')).toHaveLength(1);
    expect(
      events
        .filter((e) => e.type === 'entitlement.granted')
        .map((e) => (e.snapshot as any).key)
        .sort(),
    ).toEqual(['pro', 'seats']);
  });

  it('a package is granted exactly once per Checkout Session: credits (to the credits ledger) and a 30-day license', async () => {
    const price = await oneTimePrice(stripe, 500);
    const pkg = await api('POST', '/packages', {
      connection_id: connectionId,
      name: 'Ten job posts',
      price_id: price.id,
      grants: { credits: { unit: 'job_credits', amount: 10 }, entitlements: ['jobs.featured'], duration_days: 30 },
    });
    expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
    await api('POST', '/customers', { external_id: 'u2', email: 'u2@example.com' });
    const checkout = await api('POST', '/checkout-sessions', {
      customer: 'ext:u2',
      package_id: pkg.body.id,
      quantity: 2,
      ...CHECKOUT_URLS,
    });
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
    expect(checkout.body.mode).toBe('payment');
    const session = await stripe.checkout.sessions.retrieve(checkout.body.stripe_session_id);
    expect(session.metadata).toMatchObject({ paybridge_payable_type: 'package_checkout', paybridge_payable_id: checkout.body.id });

    const paid = await payCheckout(sandbox(), checkout.body.stripe_session_id);
    const intent = await stripe.paymentIntents.retrieve(paid.payment_intent);
    expect(intent.metadata).toMatchObject({ paybridge_payable_type: 'package_checkout', paybridge_payable_id: checkout.body.id });
    await settle(world, sandbox());

    expect((await api('GET', `/checkout-sessions/${checkout.body.id}`)).body.status).toBe('paid');
    const featured = await api('GET', '/customers/ext:u2/entitlements/jobs.featured');
    expect(featured.body).toMatchObject({ granted: true, sources: [{ type: 'package', id: checkout.body.id }] });
    // 30 days × quantity 2 from payment.
    const days = (new Date(featured.body.until).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59);
    expect(days).toBeLessThanOrEqual(60);

    // Every event of the purchase again (a redelivery storm): nothing is granted twice.
    const events = await api('GET', '/events?limit=100');
    for (const event of events.body.data.filter((e: any) => e.type.startsWith('checkout.session') || e.type === 'payment_intent.succeeded'))
      await api('POST', `/events/${event.id}/replay`);
    await world.worker.drain();
    const credits = await domainEvents(world, tenantId, ['credits.granted', 'license.granted']);
    expect(credits.map((e) => e.type).sort()).toEqual(['credits.granted', 'license.granted']);
    expect(credits.find((e) => e.type === 'credits.granted')!.snapshot).toMatchObject({ unit: 'job_credits', amount: 20 });
  });

  it('shows customers, entitlements, plans and the subscription timeline on the dashboard and in the CLI', async () => {
    const dash = new DashboardClient(world.h);
    await dash.signIn(ADMIN_TOKEN);
    const list = await dash.request('GET', `/dashboard/tenants/${tenantId}/customers?q=u1@`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('u1@example.com');
    expect(list.text).not.toContain('u2@example.com');
    const customer = (await api('GET', '/customers/ext:u1')).body;
    const detail = await dash.request('GET', `/dashboard/tenants/${tenantId}/customers/${customer.id}`);
    expect(detail.text).toContain('seats');
    expect(detail.text).toContain('granted');
    const sub = (await api('GET', '/subscriptions?customer=ext:u1')).body.data[0];
    const timeline = await dash.request('GET', `/dashboard/tenants/${tenantId}/subscriptions/${sub.id}`);
    expect(timeline.text).toContain('subscription.created');
    expect(timeline.text).toContain('subscription_create');
    const plans = await dash.request('GET', `/dashboard/tenants/${tenantId}/plans`);
    expect(plans.text).toContain('seats=5');
    expect(plans.text).toContain('Ten job posts');

    const url = world.h.store.url!;
    const key = world.h.ctx.config.masterKey!;
    const shown = await cli(url, key, ['customers', 'show', 'ext:u1', '--tenant', tenantId]);
    expect(shown.out).toContain(sub.id);
    expect(shown.out).toContain('pro=true');
    const granted = await cli(url, key, ['entitlements', 'check', '--tenant', tenantId, '--customer', 'ext:u1', '--key', 'seats']);
    expect(granted).toMatchObject({ code: 0 });
    expect(granted.out).toContain('granted (value 5');
    const refused = await cli(url, key, ['entitlements', 'check', '--tenant', tenantId, '--customer', 'ext:u1', '--key', 'admin']);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('not granted');
  });

  it('refuses bad input with the field and what to do', async () => {
    const recurring = await recurringPrice(stripe, 900);
    const other = await createAccount(sandbox());
    const otherConnection = await world.h.api('POST', `/api/v1/tenants/${tenantId}/connections`, {
      name: 'Other account',
      secret_key: other.secret_key,
      webhook_setup: 'manual',
      webhook_secret: 'whsec_abcdefghijklmnopqrstuvwxyz012345',
    });
    expect(otherConnection.status).toBe(201);
    const foreignPrice = await recurringPrice(sandbox().stripe(other.secret_key), 900);
    const oneTime = await oneTimePrice(stripe, 900);
    const plan = (
      await api('POST', '/plans', { connection_id: connectionId, name: 'Basic', price_ids: [recurring.id], entitlements: ['basic'] })
    ).body;
    const pkg = (
      await api('POST', '/packages', { connection_id: connectionId, name: 'Pack', price_id: oneTime.id, grants: { entitlements: ['x'] } })
    ).body;
    await api('POST', '/customers', { external_id: 'u3', email: 'u3@example.com' });

    const cases: [string, string, unknown, number, string, string][] = [
      [
        'plan with unknown price',
        '/plans',
        { connection_id: connectionId, name: 'X', price_ids: ['price_doesnotexist'], entitlements: ['a'] },
        422,
        'price_ids.0',
        'unknown_price',
      ],
      [
        'plan with a price of another connection',
        '/plans',
        { connection_id: connectionId, name: 'X', price_ids: [foreignPrice.id], entitlements: ['a'] },
        422,
        'price_ids.0',
        'price_of_another_connection',
      ],
      [
        'plan with a one-time price',
        '/plans',
        { connection_id: connectionId, name: 'X', price_ids: [oneTime.id], entitlements: ['a'] },
        422,
        'price_ids.0',
        'wrong_price_type',
      ],
      [
        'package with a recurring price',
        '/packages',
        { connection_id: connectionId, name: 'X', price_id: recurring.id, grants: { entitlements: ['a'] } },
        422,
        'price_id',
        'wrong_price_type',
      ],
      [
        'plan with a malformed price id',
        '/plans',
        { connection_id: connectionId, name: 'X', price_ids: ['prod_123'], entitlements: ['a'] },
        422,
        'price_ids.0',
        'validation_failed',
      ],
      [
        'plan with a duplicated entitlement',
        '/plans',
        { connection_id: connectionId, name: 'X', price_ids: [recurring.id], entitlements: ['a', 'a'] },
        422,
        'entitlements',
        'validation_failed',
      ],
      [
        'package granting nothing',
        '/packages',
        { connection_id: connectionId, name: 'X', price_id: oneTime.id, grants: {} },
        422,
        'grants',
        'validation_failed',
      ],
      [
        'checkout with plan and package',
        '/checkout-sessions',
        { customer: 'ext:u3', plan_id: plan.id, package_id: pkg.id, ...CHECKOUT_URLS },
        422,
        'package_id',
        'validation_failed',
      ],
      [
        'checkout with an unknown plan',
        '/checkout-sessions',
        { customer: 'ext:u3', plan_id: 'plan_nope', ...CHECKOUT_URLS },
        422,
        'plan_id',
        'unknown_plan',
      ],
      [
        'checkout for an unknown customer',
        '/checkout-sessions',
        { customer: 'ext:nobody', plan_id: plan.id, ...CHECKOUT_URLS },
        422,
        'customer',
        'unknown_customer',
      ],
      [
        'checkout with a price not in the plan',
        '/checkout-sessions',
        { customer: 'ext:u3', plan_id: plan.id, price_id: foreignPrice.id, ...CHECKOUT_URLS },
        422,
        'price_id',
        'price_not_in_plan',
      ],
      [
        'checkout with a non-http url',
        '/checkout-sessions',
        { customer: 'ext:u3', plan_id: plan.id, success_url: 'javascript:alert(1)', cancel_url: CHECKOUT_URLS.cancel_url },
        422,
        'success_url',
        'validation_failed',
      ],
    ];
    for (const [label, path, body, status, field, code] of cases) {
      const response = await api('POST', path, body);
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.body.error, label).toMatchObject({ field, code });
      expect(response.body.error.message.length, label).toBeGreaterThan(20);
    }
  });
});
