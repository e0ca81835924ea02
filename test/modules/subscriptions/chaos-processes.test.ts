import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../sandbox/index';
import { ADMIN_TOKEN } from '../../support/test-context';
import {
  connectAuto,
  createAccount,
  createTenant,
  sandboxControl,
  settle,
  startBillingWorld,
  useSandbox,
  type BillingWorld,
} from '../../invoices/support';
import { domainEvents, oneTimePrice, payCheckout, recurringPrice, CHECKOUT_URLS } from './support';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sandbox = useSandbox();
const BUYERS = ['c1', 'c2', 'c3', 'c4'];
// Counted and compared; `subscription.updated` is not, since a version skipped as older fires none.
const TRACKED = ['subscription.created', 'entitlement.granted', 'credits.granted', 'license.granted'];

/** `paybridge serve` with PAYBRIDGE_ROLE=worker in a child process: it claims and processes events and jobs. */
async function startWorkerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/paybridge.js', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PAYBRIDGE_ROLE: 'worker', PAYBRIDGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Paybridge worker is running')) {
    if (child.exitCode !== null) throw new Error(`worker exited early: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start within 60 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

/**
 * Issue 15: under shuffled, duplicated and delayed delivery, with two real worker processes (`serve`,
 * PAYBRIDGE_ROLE=worker) on one database, the final subscriptions, entitlements, credits balance and
 * ledger equal the in-order result, and no package is granted twice. The in-order result is the same
 * purchases by another tenant on another account, delivered in order and processed by one worker.
 */
describe('subscriptions and packages under sandbox chaos with two worker processes [postgres]', () => {
  let world: BillingWorld;
  const workers: { child: ChildProcess; output: () => string }[] = [];

  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox());
  });
  afterAll(async () => {
    await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    for (const worker of workers) {
      if (worker.child.exitCode !== null) continue;
      worker.child.kill('SIGTERM');
      await once(worker.child, 'exit');
    }
    await world?.close();
  });

  it('ends in the in-order state with each package granted once', async () => {
    const inOrder = await buyAll(world, sandbox());
    await settle(world, sandbox());
    const expected = await snapshot(world, inOrder.tenantId);

    const env = {
      PAYBRIDGE_DATABASE_URL: world.h.store.url!,
      PAYBRIDGE_MASTER_KEY: world.h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_STRIPE_API_BASE: sandbox().url,
      PAYBRIDGE_PUBLIC_URL: world.h.ctx.config.publicUrl,
    };
    workers.push(...(await Promise.all([startWorkerProcess(env), startWorkerProcess(env)])));
    // Each process says once, as one JSON line (stdout is a pipe) even at log level warn, what it runs on.
    for (const worker of workers) {
      const banners = worker
        .output()
        .split('\n')
        .filter((line) => line.includes('Paybridge worker is running'));
      expect(banners).toHaveLength(1);
      expect(JSON.parse(banners[0]!)).toMatchObject({
        role: 'worker',
        storage: 'PostgreSQL',
        stripe_api: `the sandbox at ${sandbox().url}`,
      });
    }
    await sandboxControl(sandbox(), '/chaos', { shuffle: true, duplicate_rate: 0.5, delay_ms: 30 });
    let shuffled: Awaited<ReturnType<typeof buyAll>>;
    try {
      shuffled = await buyAll(world, sandbox());
      expect(await sandbox().waitForDeliveries(60_000)).toBe(true);
    } finally {
      await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    }
    const duplicated = sandbox()
      .deliveries()
      .filter((record) => record.account === shuffled.accountId && record.attempts.some((attempt) => attempt.duplicate));
    expect(duplicated.length).toBeGreaterThan(0);

    // Only the worker processes process: this process stores deliveries and waits (bounded) until
    // every stored event is done and the tenant's domain events stop changing.
    const db = world.h.ctx.store.db;
    let done = false;
    let last = '';
    for (let round = 0; round < 240 && !done; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const open = await db.selectFrom('events').select('id').where('status', 'in', ['received', 'failed']).execute();
      const now = JSON.stringify(await snapshot(world, shuffled.tenantId));
      done = open.length === 0 && now === last;
      last = now;
    }
    expect(done, workers.map((w) => w.output()).join('\n')).toBe(true);
    expect(workers.map((w) => w.child.exitCode)).toEqual([null, null]);

    expect(await snapshot(world, shuffled.tenantId)).toEqual(expected);
    const grants = await domainEvents(world, shuffled.tenantId, ['credits.granted', 'license.granted']);
    expect(grants.filter((e) => e.type === 'credits.granted')).toHaveLength(BUYERS.length);
    expect(grants.filter((e) => e.type === 'license.granted')).toHaveLength(BUYERS.length);
  }, 300_000);
});

/** A new account and tenant; each buyer pays a plan and a package on Checkout. */
async function buyAll(world: BillingWorld, sb: RunningSandbox): Promise<{ tenantId: string; accountId: string }> {
  const account = await createAccount(sb);
  const stripe = sb.stripe(account.secret_key);
  const tenantId = await createTenant(world.h);
  const connectionId = (await connectAuto(world.h, tenantId, account)).id;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    return response.body;
  };
  const plan = await api('POST', '/plans', {
    connection_id: connectionId,
    name: 'Pro',
    price_ids: [(await recurringPrice(stripe, 1000)).id],
    entitlements: ['pro'],
  });
  const pkg = await api('POST', '/packages', {
    connection_id: connectionId,
    name: 'Credits',
    price_id: (await oneTimePrice(stripe, 300)).id,
    grants: { credits: { unit: 'job_credits', amount: 5 }, entitlements: ['jobs.featured'] },
  });
  for (const buyer of BUYERS) {
    await api('POST', '/customers', { external_id: buyer, email: `${buyer}@example.com` });
    const forPlan = await api('POST', '/checkout-sessions', { customer: `ext:${buyer}`, plan_id: plan.id, ...CHECKOUT_URLS });
    const forPackage = await api('POST', '/checkout-sessions', { customer: `ext:${buyer}`, package_id: pkg.id, ...CHECKOUT_URLS });
    await payCheckout(sb, forPlan.stripe_session_id);
    await payCheckout(sb, forPackage.stripe_session_id);
  }
  return { tenantId, accountId: account.id };
}

/** What a platform sees of each buyer, without the ids that differ between tenants. */
async function snapshot(world: BillingWorld, tenantId: string) {
  const get = async (path: string) => (await world.h.api('GET', `/api/v1/tenants/${tenantId}${path}`)).body;
  const buyers = [];
  for (const buyer of BUYERS) {
    const subscriptions = (await get(`/subscriptions?customer=ext:${buyer}`)).data ?? [];
    const entitlements = (await get(`/customers/ext:${buyer}/entitlements`)).data ?? [];
    const credits = (await get(`/customers/ext:${buyer}/credits`)).data ?? [];
    const ledger = (await get(`/customers/ext:${buyer}/credits/ledger`)).data ?? [];
    buyers.push({
      subscriptions: subscriptions.map((s: any) => ({
        status: s.status,
        cancel_at_period_end: s.cancel_at_period_end,
        latest_invoice: {
          status: s.latest_invoice?.status,
          amount_paid: s.latest_invoice?.amount_paid,
          currency: s.latest_invoice?.currency,
        },
      })),
      entitlements: entitlements
        .map((e: any) => ({ key: e.key, status: e.status, value: e.value, source: e.source.type }))
        .sort((a: any, b: any) => a.key.localeCompare(b.key)),
      credits: credits.map((c: any) => ({ unit: c.unit, available: c.available, paid: c.paid, granted: c.granted, held: c.held })),
      ledger: ledger
        .map((l: any) => [l.type, l.unit, l.available_delta, l.paid_delta, l.granted_delta, l.held_delta, l.reference.type].join(' '))
        .sort(),
    });
  }
  const events = await domainEvents(world, tenantId, TRACKED);
  const counts = Object.fromEntries(TRACKED.map((type) => [type, events.filter((e) => e.type === type).length]));
  return { buyers, counts };
}
