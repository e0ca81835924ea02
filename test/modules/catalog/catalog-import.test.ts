import { sql } from 'kysely';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { DashboardClient } from '../../dashboard/dashboard-client';
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

const PRODUCTS = 2_000;
const PRICES = 5_000;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const sandbox = useSandbox();

describe('catalog import from the sandbox: 2,000 products and 5,000 prices', () => {
  let world: BillingWorld;
  let account: AccountCredentials;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;

  beforeAll(async () => {
    account = await createAccount(sandbox());
    stripe = sandbox().stripe(account.secret_key);
    // The catalog exists before Paybridge is connected, as in an account that has sold for years.
    const productIds: string[] = [];
    await inParallel(
      Array.from({ length: PRODUCTS }, (_, i) => i),
      16,
      async (i) => {
        productIds[i] = (await stripe.products.create({ name: `Product ${String(i).padStart(4, '0')}`, active: i % 10 !== 0 })).id;
      },
    );
    await inParallel(
      Array.from({ length: PRICES }, (_, i) => i),
      16,
      async (i) => {
        const recurring = i % 2 === 0;
        await stripe.prices.create({
          product: productIds[i % PRODUCTS]!,
          currency: 'usd',
          unit_amount: 100 + i,
          active: i % 7 !== 0,
          ...(recurring ? { recurring: { interval: 'month' } } : {}),
        });
      },
    );
    world = await startBillingWorld('postgres', sandbox(), { PAYBRIDGE_LOG_LEVEL: 'warn' });
    tenantId = await createTenant(world.h);
    connectionId = (await connectAuto(world.h, tenantId, account)).id;
  }, 240_000);
  afterAll(async () => {
    await sandboxControl(sandbox(), '/rate_limit', { enabled: false });
    await world?.close();
  });

  const api = (method: string, path: string) => world.h.api(method, `/api/v1/tenants/${tenantId}/connections/${connectionId}${path}`);

  async function listAll(path: string): Promise<any[]> {
    const rows: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await api(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      rows.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    return rows;
  }

  it('imports everything through the pages, resumes after an interruption, and reaches the total', async () => {
    const started = await api('POST', '/catalog/import');
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ job_id: expect.stringMatching(/^cimp_/), status: 'queued', done: 0 });
    const jobId: string = started.body.job_id;
    // A second start while it is under way is the same import.
    expect((await api('POST', '/catalog/import')).body.job_id).toBe(jobId);

    // Part-way through, Stripe starts refusing (429) more often than the SDK retries: the run fails
    // and keeps its cursor.
    const running = world.jobs.drain();
    for (let polls = 0; polls < 2_000; polls += 1) {
      if ((await api('GET', `/catalog/import/${jobId}`)).body.done > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await sandboxControl(sandbox(), '/rate_limit', { enabled: true, requests: 10, account: account.id });
    expect((await running).retried).toBe(1);
    await sandboxControl(sandbox(), '/rate_limit', { enabled: false });
    const interrupted = (await api('GET', `/catalog/import/${jobId}`)).body;
    expect(interrupted).toMatchObject({ status: 'running', total: PRODUCTS + PRICES });
    expect(interrupted.done).toBeGreaterThan(0);
    expect(interrupted.done).toBeLessThan(PRODUCTS + PRICES);

    // The backoff passes: graphile-worker compares run_at with the database's clock, so the job's
    // due time moves back (reschedule_jobs is its API for that).
    await sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where run_at > now()), run_at => now())`.execute(
      world.h.ctx.store.db,
    );
    expect((await world.jobs.drain()).done).toBe(1);
    const finished = (await api('GET', `/catalog/import/${jobId}`)).body;
    expect(finished).toMatchObject({
      status: 'succeeded',
      products: PRODUCTS,
      prices: PRICES,
      done: PRODUCTS + PRICES,
      total: PRODUCTS + PRICES,
      changed: PRODUCTS + PRICES,
    });

    const products = await listAll('/products');
    expect(products).toHaveLength(PRODUCTS);
    expect(products.filter((p) => !p.active)).toHaveLength(PRODUCTS / 10);
    const prices = await listAll('/prices');
    expect(prices).toHaveLength(PRICES);
    expect(new Set(prices.map((p) => p.id)).size).toBe(PRICES);
    const oneTimeInactive = await listAll('/prices?type=one_time&active=false');
    expect(oneTimeInactive.every((p) => p.type === 'one_time' && p.active === false)).toBe(true);
    expect(oneTimeInactive.length).toBe(prices.filter((p) => p.type === 'one_time' && !p.active).length);
    const named = await listAll(`/prices?q=${encodeURIComponent('Product 0042')}`);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((p) => p.product_name === 'Product 0042')).toBe(true);
  }, 240_000);

  it('a second import changes nothing: same rows, same versions, no domain events', async () => {
    const snapshot = async () =>
      world.h.ctx.store.db
        .selectFrom('stripe_objects')
        .select(['stripe_id', 'version_event_id', 'updated_at'])
        .where('connection_id', '=', connectionId)
        .orderBy('stripe_id')
        .execute();
    const listsBefore = await world.h.ctx.store.db
      .selectFrom('catalog_prices')
      .select(['stripe_id', 'updated_at'])
      .orderBy('stripe_id')
      .execute();
    const before = await snapshot();
    const eventsBefore = await world.h.ctx.store.db.selectFrom('domain_events').select('id').where('tenant_id', '=', tenantId).execute();

    const started = await api('POST', '/catalog/import');
    expect(started.status).toBe(202);
    await world.jobs.drain();
    const again = (await api('GET', `/catalog/import/${started.body.job_id}`)).body;
    expect(again).toMatchObject({ status: 'succeeded', done: PRODUCTS + PRICES, total: PRODUCTS + PRICES, changed: 0 });

    expect(await snapshot()).toEqual(before);
    expect(
      await world.h.ctx.store.db.selectFrom('catalog_prices').select(['stripe_id', 'updated_at']).orderBy('stripe_id').execute(),
    ).toEqual(listsBefore);
    expect(await world.h.ctx.store.db.selectFrom('domain_events').select('id').where('tenant_id', '=', tenantId).execute()).toEqual(
      eventsBefore,
    );
  }, 120_000);

  it('then follows events: an archived price leaves the sellable list and emits catalog.price_archived once', async () => {
    const [first] = (await api('GET', '/prices?active=true&limit=1')).body.data;
    await stripe.prices.update(first.id, { active: false });
    await settle(world, sandbox());
    const after = (await api('GET', `/prices?product=${first.product}`)).body.data.find((p: { id: string }) => p.id === first.id);
    expect(after).toMatchObject({ active: false, deleted: false });
    const archived = await world.h.ctx.store.db
      .selectFrom('domain_events')
      .select(['snapshot'])
      .where('type', '=', 'catalog.price_archived')
      .where('object_id', '=', first.id)
      .execute();
    expect(archived).toHaveLength(1);
    expect(archived[0]!.snapshot).toMatchObject({ id: first.id, reason: 'archived', connection_id: connectionId });
  });

  it('the dashboard shows the import with its progress and the newest prices', async () => {
    const browser = new DashboardClient(world.h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const page = await browser.get(`/dashboard/tenants/${tenantId}/connections/${connectionId}/catalog`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('2,000 products and 5,000 prices stored');
    expect(page.text).toMatch(/<progress max="7000" value="7000"/);
    expect(page.text).toContain('Import again');
  });

  it('says what is wrong: unknown import id 404, another tenant 404', async () => {
    expect((await api('GET', '/catalog/import/cimp_nope')).status).toBe(404);
    const otherTenant = await createTenant(world.h, 'Other');
    const foreign = await world.h.api('POST', `/api/v1/tenants/${otherTenant}/connections/${connectionId}/catalog/import`);
    expect(foreign.status).toBe(404);
  });
});
