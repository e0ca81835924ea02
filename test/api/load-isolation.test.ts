import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app';
import { newId } from '../../src/ids';
import { insertInvoice, upsertCustomer } from '../../src/store/invoices';
import { signStripePayload } from '../../src/webhooks/signature';
import { insertTestConnection } from '../support/test-connections';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../support/test-context';
import { stripeEvent } from '../support/webhook-delivery';

/**
 * One request over its own socket with node:http: fetch shares a per-origin connection pool that
 * would queue the reads (and the deliveries behind them) in the client, not in the server.
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, timeout: 30_000 },
      (response) => {
        response.resume();
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: (response.headers['retry-after'] as string | undefined) ?? null,
            ms: performance.now() - started,
          }),
        );
      },
    );
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', reject);
    request.end(options.body);
  });
}

/** Counts every statement a Kysely instance sends. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

async function seedInvoices(h: TestHarness, tenantId: string, connectionId: string, count: number): Promise<void> {
  const db = h.ctx.store.db;
  const customer = await upsertCustomer(db, { tenantId, email: 'buyer@example.com', name: 'Buyer', externalId: null, now: new Date() });
  const base = Date.now() - count * 1000;
  for (let i = 0; i < count; i += 1) {
    await insertInvoice(
      db,
      {
        id: newId('invoice'),
        tenant_id: tenantId,
        connection_id: connectionId,
        customer_id: customer.id,
        external_id: null,
        currency: 'USD',
        amount_due: 1500,
        status: 'draft',
        payment_link_id: null,
        payment_link_url: null,
        review_reason: null,
        finalized_at: null,
        paid_at: null,
        voided_at: null,
        updated_at: new Date(),
        created_at: new Date(base + i * 1000),
      },
      [
        { description: 'Widget', quantity: 1, unit_amount: 1000, amount: 1000 },
        { description: 'Gadget', quantity: 1, unit_amount: 500, amount: 500 },
      ],
    );
  }
}

/**
 * Issue 18 item 2: one tenant's key must not starve the shared database pool. Real PostgreSQL and a
 * real HTTP server on a loopback port; the bounds are generous, since this checks behaviour, not speed
 * (figures go to RELIABILITY.md).
 */
describe('one key cannot starve the pool [postgres]', () => {
  let h: TestHarness;
  let server: Awaited<ReturnType<typeof startPaybridgeProcess>> | undefined;
  let tenantA = '';
  let keyA = '';
  let connectionB = '';
  let secretB = '';

  beforeAll(async () => {
    h = await createHarness('postgres');
    tenantA = (await h.api('POST', '/api/v1/tenants', { name: 'Heavy reader' })).body.id;
    keyA = (await h.api('POST', `/api/v1/tenants/${tenantA}/api-keys`)).body.key;
    const a = await insertTestConnection(h, { tenantId: tenantA });
    await seedInvoices(h, tenantA, a.connection.id, 100);
    const b = await insertTestConnection(h);
    connectionB = b.connection.id;
    secretB = b.secret;
    // The server runs in a process of its own, as in production: the load generator's 200 sockets
    // must not compete with it for one event loop.
    server = await startPaybridgeProcess({
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_ROLE: 'web',
    });
  }, 90_000);

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await h?.close();
  });

  it('lists a page of 100 invoices in the same number of queries as a page of 5', async () => {
    const counter = new QueryCounter();
    const app = createApp({ ...h.ctx, store: { ...h.ctx.store, db: h.ctx.store.db.withPlugin(counter) } });
    const countFor = async (limit: number) => {
      counter.count = 0;
      const response = await app.request(`/api/v1/tenants/${tenantA}/invoices?limit=${limit}`, {
        headers: { authorization: `Bearer ${keyA}` },
      });
      const body = (await response.json()) as { data: { lines: unknown[] }[] };
      expect(response.status).toBe(200);
      expect(body.data).toHaveLength(limit);
      expect(body.data.every((invoice) => invoice.lines.length === 2)).toBe(true);
      return counter.count;
    };
    // The first use of a key also records its last use (at most once a minute): warm that up first.
    await countFor(1);
    const small = await countFor(5);
    const large = await countFor(100);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });

  it("200 parallel list requests with one key: no 500, 429s carry Retry-After, and another tenant's deliveries stay under 1 s", async () => {
    const url = `${server!.url}/api/v1/tenants/${tenantA}/invoices?limit=100`;
    const deliver = (i: number) => {
      const body = JSON.stringify(stripeEvent('customer.created', { id: `cus_load${i}`, object: 'customer' }));
      return send(`${server!.url}/webhooks/stripe/${connectionB}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signStripePayload(body, [secretB], Math.floor(Date.now() / 1000)),
        },
        body,
      });
    };
    // Warm up both paths once (first-request costs such as opening pool connections are not the point).
    expect((await send(url, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(200);
    expect((await deliver(-1)).status).toBe(200);
    const reads = Array.from({ length: 200 }, () => send(url, { headers: { authorization: `Bearer ${keyA}` } }));
    // Tenant B's Stripe deliveries, sent one after another while the reads are in flight.
    const deliveries = (async () => {
      const timings: { status: number; ms: number }[] = [];
      for (let i = 0; i < 30; i += 1) {
        const answer = await deliver(i);
        timings.push({ status: answer.status, ms: answer.ms });
      }
      return timings;
    })();
    const [answers, timings] = await Promise.all([Promise.all(reads), deliveries]);

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    for (const answer of answers.filter((item) => item.status === 429 || item.status === 503)) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(statuses.every((status) => [200, 429, 503].includes(status))).toBe(true);

    // Every delivery stored. Before the fix they got 503s and took 8–9 s. The bound is on nine in ten
    // deliveries: on the shared 2-core machine (load average above 10) the first one can wait behind
    // the server accepting the burst's 200 sockets, which is CPU, not the pool; none may wait 5 s.
    expect(timings.map((timing) => timing.status)).toEqual(timings.map(() => 200));
    const sorted = timings.map((timing) => timing.ms).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.9) - 1]).toBeLessThan(1_000);
    expect(sorted.at(-1)).toBeLessThan(5_000);
  }, 60_000);
});
